from django.urls import include, path

from khuyencong.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.establishment_list, name="establishment-list"),
    path("new/", views.establishment_create, name="establishment-create"),
    path("<int:pk>/", views.establishment_detail, name="establishment-detail"),
    path("<int:pk>/edit/", views.establishment_edit, name="establishment-edit"),
    path("<int:pk>/delete/", views.establishment_delete, name="establishment-delete"),
    path("<int:pk>/products/", views.product_add, name="product-add"),
    path(
        "<int:pk>/products/<int:product_pk>/delete/",
        views.product_delete,
        name="product-delete",
    ),
    path("photos/<int:pk>/", views.product_photo, name="product-photo"),
    path("<int:pk>/figures/new/", views.figure_edit, name="figure-add"),
    path("<int:pk>/figures/<int:figure_pk>/", views.figure_edit, name="figure-edit"),
    path("<int:pk>/figures/<int:figure_pk>/delete/", views.figure_delete, name="figure-delete"),
    path("", include("khuyencong.registry.urls_io")),
]
