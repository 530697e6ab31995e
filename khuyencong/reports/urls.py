"""Staff pages of reports (namespace ``reports``)."""

from django.urls import include, path

from khuyencong.reports.pages import agency, files, impact, official, views

app_name = "reports"
urlpatterns = [
    path("", views.summary_page, name="summary"),
    path("file/", files.summary_file, name="summary-file"),
    path("forms/", official.official_form_page, name="forms"),
    path("agency/", agency.agency_page, name="agency"),
    path("data-quality/", views.quality_page, name="quality"),
    path("impact/", impact.impact_page, name="impact"),
    path("aggregates/", views.aggregate_list, name="aggregate-list"),
    path("aggregates/new/", views.aggregate_create, name="aggregate-create"),
    path("aggregates/import/", views.aggregate_import, name="aggregate-import"),
    path("aggregates/template.xlsx", views.import_template, name="aggregate-template"),
    path("aggregates/<int:pk>/", views.aggregate_detail, name="aggregate-detail"),
    path("submissions/", include("khuyencong.reports.submission_urls")),
]
