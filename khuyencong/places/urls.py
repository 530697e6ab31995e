from django.urls import path

from khuyencong.places.pages import communes

app_name = "places"
urlpatterns = [
    path("communes/", communes.commune_options, name="commune-options"),
]
