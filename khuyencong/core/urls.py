from django.urls import path

from khuyencong.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    path("healthz/", views.healthz, name="healthz"),
]
