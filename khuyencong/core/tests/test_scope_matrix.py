"""No existence oracle (docs/security.md): every page and API endpoint that names an object
in its path, asked by every scoped role about an object of another province (and, for a
commune collaborator, of another commune of their own province), answers exactly as it does
for an id that does not exist — same status, same body on the API — for GET and for POST.

The routes are read from the URL configuration (pages) and the API router, never listed by
hand: a new route with an object in its path fails ``test_every_route_with_an_object_is_mapped``
until ``ROUTES`` says how to find an object of another place for it (or why it has none)."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from khuyencong.accounts.models import User
from khuyencong.core.tests.test_seed_demo import demo_places  # noqa: F401  (fixture)

MISSING = 987_654_321
# One demo login per scoped role (admins and national officers see every place).
LOGINS = ["giamdoc_daklak", "canbo_daklak", "ctv_daklak", "thanhtra_hanoi"]


def _model(label: str):
    return apps.get_model(label)


def other(label: str, province: str = "province", **extra: Any) -> Callable[[User], Any]:
    """An object of ``label`` outside the user's province (``province`` is the path to its
    province), or for a collaborator outside their communes when ``commune`` is given."""

    def pick(user: User) -> Any:
        queryset = _model(label).objects.exclude(**{f"{province}_id": user.province_id})
        return queryset.exclude(**{f"{province}_id": None}).filter(**extra).order_by("pk").first()

    return pick


def by_pk(picker: Callable[[User], Any], key: str = "pk") -> Callable[[User], dict | None]:
    def kwargs(user: User) -> dict | None:
        obj = picker(user)
        return None if obj is None else {key: obj.pk}

    return kwargs


def child(
    picker: Callable[[User], Any], parent: str, child_key: str, parent_key: str = "pk"
) -> Callable[[User], dict | None]:
    """A nested route: the parent's id and the child's."""

    def kwargs(user: User) -> dict | None:
        obj = picker(user)
        return None if obj is None else {parent_key: getattr(obj, parent), child_key: obj.pk}

    return kwargs


def extra(build: Callable[[User], dict | None], **fixed: Any) -> Callable[[User], dict | None]:
    def kwargs(user: User) -> dict | None:
        found = build(user)
        return None if found is None else {**found, **fixed}

    return kwargs


def _job(user: User) -> Any:
    from khuyencong.core.models import Job

    other_user = User.objects.exclude(pk=user.pk).exclude(province_id=user.province_id).first()
    return Job.objects.create(kind="registry.import", created_by=other_user)


ESTABLISHMENT = other("registry.Establishment")
PROJECT = other("programmes.Project")
PUBLIC = "reference or public data, the same for everyone"
OWN = "about the caller's own account or session, not an object of a place"

# Route name → how to name an object of another place in its path (a function of the user
# answering the path's keyword arguments, None when the demo has none), or a string: why the
# route has no out-of-scope object.
ROUTES: dict[str, Callable[[User], dict | None] | str] = {
    # core, accounts
    "core:job-detail": by_pk(_job),
    "core:job-download": by_pk(_job),
    "accounts:user-security": by_pk(lambda u: User.objects.exclude(province_id=u.province_id).exclude(province=None).first()),
    "accounts:2fa-reset": by_pk(lambda u: User.objects.exclude(province_id=u.province_id).exclude(province=None).first()),
    "accounts:lockout-lift": "administrators only; a lockout belongs to no place",
    "accounts:token-revoke": OWN,
    "password_reset_confirm": OWN,
    # registry
    "registry:establishment-detail": by_pk(ESTABLISHMENT),
    "registry:establishment-edit": by_pk(ESTABLISHMENT),
    "registry:establishment-delete": by_pk(ESTABLISHMENT),
    "registry:product-add": by_pk(ESTABLISHMENT),
    "registry:figure-add": by_pk(ESTABLISHMENT),
    "registry:product-delete": child(other("registry.Product", "establishment__province"), "establishment_id", "product_pk"),
    "registry:product-photo": by_pk(other("registry.ProductPhoto", "product__establishment__province")),
    "registry:figure-edit": child(other("registry.YearlyFigure", "establishment__province"), "establishment_id", "figure_pk"),
    "registry:figure-delete": child(other("registry.YearlyFigure", "establishment__province"), "establishment_id", "figure_pk"),
    "activities:establishment": by_pk(ESTABLISHMENT),
    "awards:establishment-history": by_pk(ESTABLISHMENT),
    "awards:product-history": by_pk(other("registry.Product", "establishment__province")),
    # programmes
    "programmes:project-detail": by_pk(PROJECT),
    "programmes:project-edit": by_pk(PROJECT),
    "programmes:project-delete": by_pk(PROJECT),
    "programmes:project-transition": extra(by_pk(PROJECT), action="submit"),
    "programmes:disbursement-add": by_pk(PROJECT),
    "programmes:document-add": by_pk(PROJECT),
    "programmes:document-download": child(other("programmes.ProjectDocument", "project__province"), "project_id", "doc_pk"),
    "programmes:plan-detail": by_pk(other("programmes.AnnualPlan")),
    "programmes:plan-compare": by_pk(other("programmes.AnnualPlan")),
    "programmes:plan-export": by_pk(other("programmes.AnnualPlan")),
    "programmes:plan-step": extra(by_pk(other("programmes.AnnualPlan")), step="approve"),
    "programmes:programme-detail": by_pk(other("programmes.Programme")),
    "programmes:programme-edit": by_pk(other("programmes.Programme")),
    "programmes:inspection-record": by_pk(other("programmes.Inspection")),
    "programmes:inspection-follow-up": by_pk(other("programmes.Inspection")),
    # network
    "network:collaborator-detail": by_pk(other("network.Collaborator")),
    "network:collaborator-edit": by_pk(other("network.Collaborator")),
    "network:training-add": by_pk(other("network.Collaborator")),
    "network:reward-add": by_pk(other("network.Collaborator")),
    "network:report-detail": by_pk(other("network.QuarterlyReport")),
    "network:report-edit": by_pk(other("network.QuarterlyReport")),
    "network:report-transition": extra(by_pk(other("network.QuarterlyReport")), action="submit"),
    "network:difficulty-detail": by_pk(other("network.Difficulty")),
    # activities
    "activities:participation-add": by_pk(other("activities.Fair")),
    "activities:participation-remove": child(other("activities.FairParticipation", "fair__province"), "fair_id", "row"),
    "activities:trainee-add": by_pk(other("activities.TrainingCourse")),
    "activities:trainee-import": by_pk(other("activities.TrainingCourse")),
    "activities:trainee-remove": child(other("activities.Trainee", "course__province"), "course_id", "row"),
    "activities:receipt-add": by_pk(other("activities.ConsultingContract")),
    "activities:receipt-remove": child(other("activities.ConsultingReceipt", "contract__province"), "contract_id", "row"),
    "activities:trainings-detail": by_pk(other("activities.TrainingCourse")),
    "activities:trainings-edit": by_pk(other("activities.TrainingCourse")),
    "activities:fairs-detail": by_pk(other("activities.Fair")),
    "activities:fairs-edit": by_pk(other("activities.Fair")),
    "activities:showrooms-detail": by_pk(other("activities.Showroom")),
    "activities:showrooms-edit": by_pk(other("activities.Showroom")),
    "activities:brands-detail": by_pk(other("activities.BrandRegistration")),
    "activities:brands-edit": by_pk(other("activities.BrandRegistration")),
    "activities:consulting-detail": by_pk(other("activities.ConsultingContract")),
    "activities:consulting-edit": by_pk(other("activities.ConsultingContract")),
    "activities:communications-detail": by_pk(other("activities.CommunicationItem")),
    "activities:communications-edit": by_pk(other("activities.CommunicationItem")),
    "activities:workshops-detail": by_pk(other("activities.Workshop")),
    "activities:workshops-edit": by_pk(other("activities.Workshop")),
    # awards
    "awards:round-detail": by_pk(other("awards.AwardRound")),
    "awards:round-edit": by_pk(other("awards.AwardRound")),
    "awards:round-transition": extra(by_pk(other("awards.AwardRound")), action="open"),
    "awards:entry-create": by_pk(other("awards.AwardRound")),
    "awards:entry-detail": by_pk(other("awards.AwardEntry")),
    "awards:score-add": by_pk(other("awards.AwardEntry")),
    "awards:score-delete": child(other("awards.ScoreSheet", "entry__province"), "entry_id", "sheet_pk"),
    "awards:entry-withdraw": by_pk(other("awards.AwardEntry")),
    "awards:complaint-add": by_pk(other("awards.AwardEntry")),
    "awards:complaint-resolve": by_pk(other("awards.AwardComplaint")),
    # surveys
    "surveys:campaign-detail": by_pk(other("surveys.SurveyCampaign")),
    "surveys:campaign-edit": by_pk(other("surveys.SurveyCampaign")),
    "surveys:respond": by_pk(other("surveys.SurveyCampaign")),
    "surveys:campaign-xlsform": by_pk(other("surveys.SurveyCampaign")),
    "surveys:kobo-import": by_pk(other("surveys.SurveyCampaign")),
    "surveys:response-detail": by_pk(other("surveys.SurveyResponse")),
    "surveys:application-detail": by_pk(other("surveys.Application")),
    # reports
    "reports:aggregate-detail": by_pk(other("reports.AggregateValue")),
    "reports:submission-detail": by_pk(other("reports.ReportSubmission")),
    "reports:submission-review": by_pk(other("reports.ReportSubmission")),
    # the public site: open to anyone by design
    "portal:application-sent": "public: the applicant's own receipt, by its secret tracking code",
    "portal:status": "public: an application's status, by its secret tracking code",
    "portal:catalogue-detail": "public: the catalogue of certified products",
    "portal:catalogue-photo": "public: the catalogue of certified products",
    # API
    "api-report-form": PUBLIC,
    "api-province-detail": PUBLIC,
    "api-legacy-province-detail": PUBLIC,
    "api-commune-detail": PUBLIC,
    "api-region-detail": PUBLIC,
    "api-sector-detail": PUBLIC,
    "api-project-category-detail": PUBLIC,
    "api-indicator-detail": PUBLIC,
    "api-report-indicator-detail": PUBLIC,
    "api-application-track": "public: an application's status, by its secret tracking code",
    "api-user-detail": by_pk(lambda u: User.objects.exclude(province_id=u.province_id).exclude(province=None).first()),
    "api-establishment-detail": by_pk(ESTABLISHMENT),
    "api-establishment-figures": by_pk(ESTABLISHMENT),
    "api-establishment-figure": extra(by_pk(ESTABLISHMENT), year=2025),
    "api-project-detail": by_pk(PROJECT),
    "api-project-disbursements": by_pk(PROJECT),
    "api-project-transitions": by_pk(PROJECT),
    "api-programme-detail": by_pk(other("programmes.Programme")),
    "api-plan-detail": by_pk(other("programmes.AnnualPlan")),
    "api-plan-adjust": by_pk(other("programmes.AnnualPlan")),
    "api-plan-approve": by_pk(other("programmes.AnnualPlan")),
    "api-plan-compare": by_pk(other("programmes.AnnualPlan")),
    "api-plan-register": by_pk(other("programmes.AnnualPlan")),
    "api-collaborator-detail": by_pk(other("network.Collaborator")),
    "api-collaborator-report-detail": by_pk(other("network.QuarterlyReport")),
    "api-collaborator-report-transitions": by_pk(other("network.QuarterlyReport")),
    "api-survey-campaign-detail": by_pk(other("surveys.SurveyCampaign")),
    "api-survey-response-detail": by_pk(other("surveys.SurveyResponse")),
    "api-need-detail": by_pk(other("surveys.Need")),
    "api-application-detail": by_pk(other("surveys.Application")),
    "api-application-triage": by_pk(other("surveys.Application")),
    "api-training-detail": by_pk(other("activities.TrainingCourse")),
    "api-training-trainees": by_pk(other("activities.TrainingCourse")),
    "api-fair-detail": by_pk(other("activities.Fair")),
    "api-fair-participations": by_pk(other("activities.Fair")),
    "api-showroom-detail": by_pk(other("activities.Showroom")),
    "api-brand-detail": by_pk(other("activities.BrandRegistration")),
    "api-consulting-detail": by_pk(other("activities.ConsultingContract")),
    "api-consulting-receipts": by_pk(other("activities.ConsultingContract")),
    "api-communication-detail": by_pk(other("activities.CommunicationItem")),
    "api-workshop-detail": by_pk(other("activities.Workshop")),
    "api-award-round-detail": by_pk(other("awards.AwardRound")),
    "api-award-round-entries": by_pk(other("awards.AwardRound")),
    "api-award-round-transitions": by_pk(other("awards.AwardRound")),
    "api-award-entry-detail": by_pk(other("awards.AwardEntry")),
    "api-award-entry-complaints": by_pk(other("awards.AwardEntry")),
    "api-award-entry-scores": by_pk(other("awards.AwardEntry")),
    "api-aggregate-detail": by_pk(other("reports.AggregateValue")),
    "api-report-submission-detail": by_pk(other("reports.ReportSubmission")),
    "api-report-submission-transitions": by_pk(other("reports.ReportSubmission")),
}  # fmt: skip


def _walk(resolver: URLResolver, namespace: str = "", api: bool = False):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            name = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(pattern, name or "", api or str(pattern.pattern) == "api/")
        elif isinstance(pattern, URLPattern):
            keys = set(pattern.pattern.regex.groupindex) - {"format"}
            if not keys or "format" in pattern.pattern.regex.groupindex:
                continue
            if pattern.name is None:
                continue
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            if name.startswith("admin:"):
                continue  # Django's admin: administrators only, every place
            yield name, keys


def routes() -> dict[str, set[str]]:
    return dict(_walk(get_resolver()))


def test_every_route_with_an_object_is_mapped():
    found = routes()
    unknown = sorted(set(found) - set(ROUTES))
    assert not unknown, (
        "Routes naming an object with no entry in ROUTES (say how to find an object of "
        f"another province for each, or why there is none): {unknown}"
    )
    assert len(found) > 100, len(found)  # the walk reaches pages and the API router
    stale = sorted(set(ROUTES) - set(found))
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


def _missing(kwargs: dict) -> dict:
    return {
        k: (MISSING if isinstance(v, int) and k not in ("year",) else v) for k, v in kwargs.items()
    }


def _answer(client: Client, method: str, url: str) -> tuple[int, bytes]:
    response = getattr(client, method)(url)
    body = response.content if url.startswith("/api/") else b""
    return response.status_code, body


def test_an_object_of_another_place_answers_like_one_that_does_not_exist(demo_places):  # noqa: F811
    call_command("seed_demo", stdout=StringIO())
    _files_the_demo_lacks()
    leaks, unchecked, compared = [], [], 0
    for username in LOGINS:
        user = User.objects.get(username=username)
        for name, build in ROUTES.items():
            if isinstance(build, str):
                continue
            kwargs = build(user)
            if kwargs is None:
                unchecked.append(f"{name} ({user.role})")
                continue
            url = reverse(name, kwargs=kwargs)
            absent = reverse(name, kwargs=_missing(kwargs))
            methods = (
                ("get", "post", "patch", "delete") if name.startswith("api-") else ("get", "post")
            )
            for method in methods:
                client = Client(raise_request_exception=False)
                client.force_login(user)
                if name.startswith("api-"):
                    client = _api_client(user)
                theirs = _answer(client, method, url)
                nothing = _answer(client, method, absent)
                compared += 1
                if theirs != nothing:
                    leaks.append(
                        f"{username} {method.upper()} {url}: {theirs[0]} {theirs[1][:120]!r} "
                        f"but {nothing[0]} {nothing[1][:120]!r} for a missing id"
                    )
    assert not leaks, "\n".join(leaks)
    assert compared > 800, compared
    # Not blind: an establishment of the officer's own province answers otherwise than a
    # missing id, on the page and on the API.
    from khuyencong.registry.models import Establishment

    officer = User.objects.get(username="canbo_daklak")
    own = Establishment.objects.filter(province_id=officer.province_id).first()
    page = Client()
    page.force_login(officer)
    for client, name in (
        (page, "registry:establishment-detail"),
        (_api_client(officer), "api-establishment-detail"),
    ):
        seen = _answer(client, "get", reverse(name, kwargs={"pk": own.pk}))
        assert seen != _answer(client, "get", reverse(name, kwargs={"pk": MISSING}))
    # The demo (with the files above) gives every route an object.
    assert not unchecked, unchecked


def _files_the_demo_lacks() -> None:
    """A product photo and a project document in Đồng Tháp (82), a province none of LOGINS
    belongs to (the files themselves need not exist: the scope is checked first)."""
    from khuyencong.programmes.models import Project, ProjectDocument
    from khuyencong.registry.models import Product, ProductPhoto

    product = Product.objects.filter(establishment__province_id="82").first()
    ProductPhoto.objects.create(product=product, image="products/matrix.png")
    project = Project.objects.filter(province_id="82").first()
    ProjectDocument.objects.create(
        project=project,
        kind=ProjectDocument.Kind.values[0],
        title="Quyết định",
        file="documents/matrix.pdf",
        uploaded_by=User.objects.filter(province_id="82").first(),
    )


def _api_client(user: User):
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    client = APIClient(raise_request_exception=False)
    _instance, secret = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client
