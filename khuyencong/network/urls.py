"""Staff pages of the field network (namespace ``network``)."""

from django.urls import path

from khuyencong.network.pages import collaborators, difficulties, reports

app_name = "network"
urlpatterns = [
    path("", collaborators.roster, name="roster"),
    path("collaborators/new/", collaborators.collaborator_create, name="collaborator-create"),
    path("collaborators/<int:pk>/", collaborators.collaborator_detail, name="collaborator-detail"),
    path("collaborators/<int:pk>/edit/", collaborators.collaborator_edit, name="collaborator-edit"),
    path("collaborators/<int:pk>/trainings/", collaborators.training_add, name="training-add"),
    path("collaborators/<int:pk>/rewards/", collaborators.reward_add, name="reward-add"),
    path("reports/", reports.report_list, name="report-list"),
    path("reports/late/", reports.report_late, name="report-late"),
    path("reports/new/", reports.report_create, name="report-create"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report-edit"),
    path(
        "reports/<int:pk>/steps/<str:action>/",
        reports.report_transition,
        name="report-transition",
    ),
    path("difficulties/", difficulties.difficulty_list, name="difficulty-list"),
    path("difficulties/new/", difficulties.difficulty_create, name="difficulty-create"),
    path("difficulties/<int:pk>/", difficulties.difficulty_detail, name="difficulty-detail"),
]
