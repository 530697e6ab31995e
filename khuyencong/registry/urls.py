"""The registry's staff pages (namespace ``registry``): one URL configuration for
``registry/pages/``."""

from django.urls import path

from khuyencong.registry.pages import establishments, figures, files, products

app_name = "registry"
urlpatterns = [
    path("", establishments.establishment_list, name="establishment-list"),
    path("new/", establishments.establishment_create, name="establishment-create"),
    path("<int:pk>/", establishments.establishment_detail, name="establishment-detail"),
    path("<int:pk>/edit/", establishments.establishment_edit, name="establishment-edit"),
    path("<int:pk>/delete/", establishments.establishment_delete, name="establishment-delete"),
    path("<int:pk>/products/", products.product_add, name="product-add"),
    path(
        "<int:pk>/products/<int:product_pk>/delete/",
        products.product_delete,
        name="product-delete",
    ),
    path("photos/<int:pk>/", products.product_photo, name="product-photo"),
    path("<int:pk>/figures/new/", figures.figure_edit, name="figure-add"),
    path("<int:pk>/figures/<int:figure_pk>/", figures.figure_edit, name="figure-edit"),
    path("<int:pk>/figures/<int:figure_pk>/delete/", figures.figure_delete, name="figure-delete"),
    # Import and export of establishments (docs/import.md).
    path("import/", files.import_establishments, name="import"),
    path("import/template.xlsx", files.import_template, name="import-template"),
    path("import/example.xlsx", files.import_example, name="import-example"),
    path("export/", files.export_establishments, name="export"),
]
