"""Pages of submitted period reports, included by ``reports.urls`` under ``submissions/``
(names in the ``reports`` namespace)."""

from django.urls import path

from khuyencong.reports.pages import submissions

urlpatterns = [
    path("", submissions.submission_list, name="submission-list"),
    path("new/", submissions.submission_create, name="submission-create"),
    path("consolidation/", submissions.consolidation_page, name="submission-consolidation"),
    path(
        "consolidation/forms/",
        submissions.consolidated_forms_page,
        name="submission-consolidated-forms",
    ),
    path("<int:pk>/", submissions.submission_detail, name="submission-detail"),
    path("<int:pk>/review/", submissions.submission_review, name="submission-review"),
]
