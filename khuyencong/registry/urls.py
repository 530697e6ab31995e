from django.urls import path

from khuyencong.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.establishment_list, name="establishment-list"),
]
