"""Staff pages of needs surveys, needs and online applications (namespace ``surveys``)."""

from django.urls import path

from khuyencong.surveys import pages

app_name = "surveys"
urlpatterns = [
    path("", pages.campaign_list, name="campaign-list"),
    path("sw.js", pages.service_worker, name="service-worker"),
    path("campaigns/new/", pages.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", pages.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", pages.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/respond/", pages.respond, name="respond"),
    path("campaigns/<int:pk>/xlsform/", pages.campaign_xlsform, name="campaign-xlsform"),
    path("campaigns/<int:pk>/import/", pages.kobo_import, name="kobo-import"),
    path("responses/<int:pk>/", pages.response_detail, name="response-detail"),
    path("needs/", pages.need_list, name="need-list"),
    path("needs/to-project/", pages.needs_to_project, name="needs-to-project"),
    path("applications/", pages.application_list, name="application-list"),
    path("applications/<int:pk>/", pages.application_detail, name="application-detail"),
]
