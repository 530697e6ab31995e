"""Staff pages of programmes, plans, projects and inspections (namespace ``programmes``)."""

from django.urls import path

from khuyencong.programmes.pages import plans, projects

app_name = "programmes"
urlpatterns = [
    path("projects/", projects.project_list, name="project-list"),
    path("projects/new/", projects.project_create, name="project-create"),
    path("projects/beneficiaries/", projects.beneficiary_search, name="beneficiary-search"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project-edit"),
    path("projects/<int:pk>/delete/", projects.project_delete, name="project-delete"),
    path(
        "projects/<int:pk>/steps/<str:action>/",
        projects.project_transition,
        name="project-transition",
    ),
    path(
        "projects/<int:pk>/disbursements/new/", projects.disbursement_add, name="disbursement-add"
    ),
    path("projects/<int:pk>/documents/new/", projects.document_add, name="document-add"),
    path(
        "projects/<int:pk>/documents/<int:doc_pk>/",
        projects.document_download,
        name="document-download",
    ),
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/compare/", plans.plan_compare, name="plan-compare"),
    path("plans/<int:pk>/export/", plans.plan_export, name="plan-export"),
    path("plans/<int:pk>/<str:step>/", plans.plan_step, name="plan-step"),
    path("money/", plans.money_view, name="money"),
    path("", plans.programme_list, name="programme-list"),
    path("new/", plans.programme_edit, name="programme-create"),
    path("<int:pk>/", plans.programme_detail, name="programme-detail"),
    path("<int:pk>/edit/", plans.programme_edit, name="programme-edit"),
    path("inspections/", plans.inspection_list, name="inspection-list"),
    path("inspections/<int:pk>/", plans.inspection_record, name="inspection-record"),
    path(
        "inspections/<int:pk>/follow-up/", plans.inspection_follow_up, name="inspection-follow-up"
    ),
]
