"""Staff pages of needs surveys, needs and online applications (namespace ``surveys``)."""

from django.urls import path

from khuyencong.surveys.pages import applications, campaigns, needs, responses

app_name = "surveys"
urlpatterns = [
    path("", campaigns.campaign_list, name="campaign-list"),
    path("sw.js", responses.service_worker, name="service-worker"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/respond/", responses.respond, name="respond"),
    path("campaigns/<int:pk>/xlsform/", campaigns.campaign_xlsform, name="campaign-xlsform"),
    path("campaigns/<int:pk>/import/", campaigns.kobo_import, name="kobo-import"),
    path("responses/<int:pk>/", responses.response_detail, name="response-detail"),
    path("needs/", needs.need_list, name="need-list"),
    path("needs/to-project/", needs.needs_to_project, name="needs-to-project"),
    path("applications/", applications.application_list, name="application-list"),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
]
