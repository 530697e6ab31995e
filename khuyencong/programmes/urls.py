"""Staff pages of programmes, plans and projects (namespace ``programmes``). Projects'
pages are in ``urls_projects``; plans, programmes and inspections in ``urls_plans``."""

from django.urls import include, path

app_name = "programmes"
urlpatterns = [
    path("projects/", include("khuyencong.programmes.urls_projects")),
    path("", include("khuyencong.programmes.urls_plans")),
]
