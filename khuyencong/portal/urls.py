"""The public site (namespace ``portal``): no account needed."""

from django.urls import path

from khuyencong.portal.pages import applications, catalogue

app_name = "portal"
urlpatterns = [
    path("apply/", applications.apply, name="apply"),
    path("apply/communes/", applications.communes, name="communes"),
    path("apply/sent/<str:code>/", applications.application_sent, name="application-sent"),
    path("track/", applications.status_lookup, name="status-lookup"),
    path("track/<str:code>/", applications.status, name="status"),
    path("products/", catalogue.product_list, name="catalogue"),
    path("products/<int:pk>/", catalogue.product_detail, name="catalogue-detail"),
    path(
        "products/<int:pk>/photos/<int:photo_pk>/",
        catalogue.product_photo,
        name="catalogue-photo",
    ),
]
