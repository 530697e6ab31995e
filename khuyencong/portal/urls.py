"""The public site (namespace ``portal``): no account needed."""

from django.urls import path

import khuyencong.portal.catalogue as catalogue
from khuyencong.portal import views

app_name = "portal"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/communes/", views.communes, name="communes"),
    path("apply/sent/<str:code>/", views.application_sent, name="application-sent"),
    path("track/", views.status_lookup, name="status-lookup"),
    path("track/<str:code>/", views.status, name="status"),
    path("products/", catalogue.product_list, name="catalogue"),
    path("products/<int:pk>/", catalogue.product_detail, name="catalogue-detail"),
    path(
        "products/<int:pk>/photos/<int:photo_pk>/",
        catalogue.product_photo,
        name="catalogue-photo",
    ),
]
