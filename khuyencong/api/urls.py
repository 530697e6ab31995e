"""The REST API (API.md): ``/api/v1/…``, the OpenAPI schema and its readable docs."""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from khuyencong.api import (
    accounts,
    activities,
    awards,
    network,
    places,
    projects,
    registry,
    report_submissions,
    reports,
    surveys,
)
from khuyencong.api.auth import ObtainTokenView

router = SimpleRouter()
router.register("users", accounts.UserViewSet, basename="api-user")
router.register("provinces", places.ProvinceViewSet, basename="api-province")
router.register("legacy-provinces", places.LegacyProvinceViewSet, basename="api-legacy-province")
router.register("communes", places.CommuneViewSet, basename="api-commune")
router.register("regions", places.RegionViewSet, basename="api-region")
router.register("sectors", registry.SectorViewSet, basename="api-sector")
router.register("establishments", registry.EstablishmentViewSet, basename="api-establishment")
router.register("yearly-figures", registry.YearlyFigureViewSet, basename="api-yearly-figure")
router.register("project-categories", projects.CategoryViewSet, basename="api-project-category")
router.register("indicators", projects.IndicatorViewSet, basename="api-indicator")
router.register("projects", projects.ProjectViewSet, basename="api-project")
router.register("programmes", projects.ProgrammeViewSet, basename="api-programme")
router.register("plans", projects.PlanViewSet, basename="api-plan")
router.register("collaborators", network.CollaboratorViewSet, basename="api-collaborator")
router.register("collaborator-reports", network.ReportViewSet, basename="api-collaborator-report")
router.register("survey-campaigns", surveys.CampaignViewSet, basename="api-survey-campaign")
router.register("survey-responses", surveys.ResponseViewSet, basename="api-survey-response")
router.register("needs", surveys.NeedViewSet, basename="api-need")
router.register("applications", surveys.ApplicationViewSet, basename="api-application")
activities.register(router)
awards.register(router)
reports.register(router)
report_submissions.register(router)

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path(
        "v1/plan-optimisations/",
        projects.PlanOptimisationView.as_view(),
        name="api-plan-optimisation",
    ),
    path("v1/", include(reports.urlpatterns)),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), so the page has
    # no inline script (Content-Security-Policy); Redoc's page without Google's fonts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"),
        name="redoc",
    ),
]
