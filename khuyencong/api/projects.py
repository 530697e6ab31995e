"""``/api/v1/projects/``, their transitions and disbursements, project categories,
indicators, programmes, plans and plan optimisations (API.md, Projects).

Reads go through the programmes app's scoped entry points; every write calls its services,
so the API, the staff pages and the demo share one set of rules. Domain errors become 400
(naming the field) or 409 (a step not allowed now, a stale edit) in ``api.exceptions``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from khuyencong.accounts.requests import user_of
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole, writes
from khuyencong.api.schema import AutoSchema
from khuyencong.api.steps import TransitionsMixin, take_step
from khuyencong.api.versioning import VersionRequiredMixin
from khuyencong.core.scoping import is_admin
from khuyencong.places.models import Commune, Province
from khuyencong.programmes import deadlines, money, priorities, services
from khuyencong.programmes.access import (
    plans_for,
    programme_refusal,
    programmes_for,
    projects_for,
    province_visible,
)
from khuyencong.programmes.models import (
    ActivityCategory,
    ActivitySubtype,
    AnnualPlan,
    BudgetLine,
    Disbursement,
    Indicator,
    Programme,
    Project,
    ProjectOutput,
    Source,
)
from khuyencong.programmes.workflow import ACTIONS, PLAN_WORKFLOW

MAX_INT = 2_147_483_647
MAX_AMOUNT = services.MAX_AMOUNT


class SubtypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivitySubtype
        fields = ["code", "name", "name_en"]


class CategorySerializer(serializers.ModelSerializer):
    subtypes = SubtypeSerializer(many=True, read_only=True)

    class Meta:
        model = ActivityCategory
        fields = ["code", "name", "name_en", "legal_basis", "advance_percent", "subtypes"]


@extend_schema(tags=["programmes"])
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The activity contents of Decree 45/2012 Art. 4 (as amended) and their sub-types."""

    queryset = ActivityCategory.objects.filter(active=True).prefetch_related(
        Prefetch("subtypes", queryset=ActivitySubtype.objects.filter(active=True))
    )
    serializer_class = CategorySerializer
    schema = AutoSchema()
    pagination_class = None
    filter_backends: list[Any] = []
    lookup_field = "code"


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["code", "name", "name_en", "unit"]


@extend_schema(tags=["programmes"])
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Outputs that programmes target and projects promise and deliver."""

    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    schema = AutoSchema()
    pagination_class = None
    filter_backends: list[Any] = []
    lookup_field = "code"
    lookup_value_regex = "[^/]+"  # codes contain dots: "machines.count"


# --- projects -----------------------------------------------------------------------------


class BudgetLineSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]  # a field named like a Field attribute
    amount = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT, help_text="Đồng.")
    other_programme = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="For `other`: which programme."
    )


class OutputSerializer(serializers.Serializer):
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    planned = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT)
    actual = serializers.IntegerField(read_only=True, allow_null=True)


class BreakdownSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute
    points = serializers.IntegerField()


class ProjectSerializer(serializers.ModelSerializer):
    province = serializers.PrimaryKeyRelatedField(
        queryset=Province.objects.all(),
        required=False,
        help_text="2025 province code; a provincial user's own province when omitted. Fixed once created.",
    )
    category = serializers.PrimaryKeyRelatedField(queryset=ActivityCategory.objects.all())
    subtype = serializers.PrimaryKeyRelatedField(
        queryset=ActivitySubtype.objects.all(), required=False, allow_null=True
    )
    commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(), required=False, allow_null=True
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    beneficiaries = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT),
        required=False,
        write_only=True,
        max_length=500,
        help_text="Establishment ids of the project's province.",
    )
    # Written through the services; read back in ``to_representation`` (from prefetches).
    # ``max_length`` goes to the ListSerializer of ``many=True`` (the stubs do not know it).
    budget_lines = BudgetLineSerializer(many=True, required=False, max_length=4, write_only=True)  # type: ignore[call-arg]  # max_length
    outputs = OutputSerializer(many=True, required=False, max_length=50, write_only=True)  # type: ignore[call-arg]  # max_length
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text="Send the version you read with a PATCH: a stale edit is refused with 409.",
    )
    priority = serializers.SerializerMethodField()
    priority_breakdown = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "province",
            "year",
            "funding_level",
            "category",
            "subtype",
            "kind",
            "is_priority",
            "implementer",
            "partners",
            "commune",
            "place",
            "beneficiaries",
            "budget_lines",
            "outputs",
            "start_date",
            "end_date",
            "need",
            "objectives",
            "status",
            "approved_on",
            "approval_decision",
            "accepted_on",
            "settled_on",
            "priority",
            "priority_breakdown",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "approved_on",
            "approval_decision",
            "accepted_on",
            "settled_on",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"code": {"required": False, "validators": []}}

    def _scores(self) -> dict[int, tuple[int, list[dict[str, Any]]]]:
        return self.context.get("priorities", {})

    def get_priority(self, project: Project) -> int:
        scores = self._scores()
        if project.pk not in scores:
            scores.update(priorities.evaluate([project]))
        return scores[project.pk][0]

    def get_priority_breakdown(self, project: Project) -> list[dict[str, Any]]:
        self.get_priority(project)
        return self._scores()[project.pk][1]

    def to_representation(self, project: Project) -> dict[str, Any]:
        data = super().to_representation(project)
        data["beneficiaries"] = sorted(b.establishment_id for b in _beneficiary_rows(project))
        data["budget_lines"] = [
            {"source": line.source, "amount": line.amount, "other_programme": line.other_programme}
            for line in project.budget_lines.all()
        ]
        data["outputs"] = [
            {"indicator": o.indicator_id, "planned": o.planned, "actual": o.actual}
            for o in project.outputs.all()
        ]
        return data


def _beneficiary_rows(project: Project) -> list[Any]:
    cached = getattr(project, "_beneficiary_rows", None)
    if cached is not None:
        return cached
    from khuyencong.programmes.models import ProjectBeneficiary

    return list(ProjectBeneficiary.objects.filter(project=project))


class ProjectFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province_id")
    q = filters.CharFilter(method="search", label="Code or title contains")

    class Meta:
        model = Project
        fields = ["province", "year", "status", "funding_level", "category", "kind"]

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        return (
            queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))
            if value
            else queryset
        )


def _service_data(validated: dict[str, Any]) -> dict[str, Any]:
    data = dict(validated)
    data.pop("version", None)
    if "budget_lines" in data:
        data["budget_lines"] = [dict(line) for line in data["budget_lines"]]
    if "outputs" in data:
        data["outputs"] = {o["indicator"].code: o["planned"] for o in data["outputs"]}
    return data


CONFLICT_STEP = "The step is not allowed from the project's status or for the caller's role, or the `version` is stale."


class AmountMap(serializers.DictField):
    child = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INT)
    override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    decision_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    decision_date = serializers.DateField(required=False)
    accepted_on = serializers.DateField(required=False)
    minutes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    actual_outputs = AmountMap(required=False)
    settled_on = serializers.DateField(required=False)
    spending = AmountMap(required=False)
    budget = AmountMap(required=False)
    outputs = AmountMap(required=False)
    end_date = serializers.DateField(required=False)


@extend_schema_view(
    list=extend_schema(description="Projects in the caller's scope, newest year first."),
    create=extend_schema(
        description=(
            "Draft a project. It joins the plan of its province, year and funding level; "
            "a code is generated when none is given."
        )
    ),
    partial_update=extend_schema(
        description="Edit a draft or returned project; send `version` to refuse a stale edit (409)."
    ),
    destroy=extend_schema(description="Delete a draft that was never submitted (else 409)."),
    transitions=[
        extend_schema(
            methods=["POST"],
            request=None,
            description=(
                'Take a workflow step: `{"action": …, "note": …}` plus what the step needs '
                "(approve: `decision_number`, `decision_date`; accept: `accepted_on`, `minutes`, "
                "`actual_outputs` {indicator: int}; settle: `settled_on`, `spending` {source: int}; "
                "adjust: `budget` {source: int}, `outputs` {indicator: int}, `end_date`, decision). "
                "A step refused by a support cap or eligibility answers 409 with `refusals`; a "
                "manager may send `override_reason` to go ahead. Answers the project."
            ),
        ),
        extend_schema(
            methods=["GET"],
            responses=None,
            description="The project's workflow steps, oldest first.",
        ),
    ],
)
@extend_schema(tags=["programmes"])
class ProjectViewSet(
    TransitionsMixin,
    VersionRequiredMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProjectSerializer
    transition_serializer = TransitionSerializer
    step_columns = ("override_reason", "overridden")
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = ProjectFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    conflicts = {
        "partial_update": "The project is past drafting, or someone saved it after the `version` you sent.",
        "destroy": "Only a draft that was never submitted can be deleted.",
        "transitions": CONFLICT_STEP,
        "disbursements": "The project is not approved, running or accepted.",
    }

    def get_queryset(self) -> QuerySet[Project]:
        write = writes(self.request)
        return (
            projects_for(self.request.user, write=write)
            .prefetch_related(
                Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("source")),
                Prefetch("outputs", queryset=ProjectOutput.objects.order_by("indicator_id")),
            )
            .order_by("-year", "code")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context.setdefault("priorities", {})
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        projects = list(page if page is not None else queryset)
        _attach_beneficiaries(projects)
        context = self.get_serializer_context()
        context["priorities"] = priorities.evaluate(projects)
        data = ProjectSerializer(projects, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def _province(self, validated: dict[str, Any]) -> Any:
        province = validated.get("province")
        if province is None:
            user = user_of(self.request)
            if is_admin(user) or user.province_id is None:
                raise serializers.ValidationError({"province": [_("This field is required.")]})
            return user.province_id
        return province

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _service_data(serializer.validated_data)
        data["province"] = self._province(serializer.validated_data)
        project = services.create_project(actor=request.user, data=data)
        return Response(self._read(project), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        serializer = self.get_serializer(project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = _service_data(serializer.validated_data)
        if "province" in data and getattr(data["province"], "pk", None) != project.province_id:
            raise serializers.ValidationError(
                {"province": [_("A project stays in its province; draft a new one instead.")]}
            )
        data.pop("province", None)
        updated = services.update_project(
            actor=request.user,
            project=project,
            data=data,
            expected_version=serializer.validated_data.get("version"),
        )
        return Response(self._read(updated))

    def perform_destroy(self, instance: Project) -> None:
        services.delete_project(actor=self.request.user, project=instance)

    def _read(self, project: Project) -> dict[str, Any]:
        fresh = (
            self.get_queryset()
            .model.objects.prefetch_related("budget_lines", "outputs")
            .get(pk=project.pk)
        )
        return ProjectSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(methods=["GET"], responses=None, description="Disbursements of the project.")
    @extend_schema(
        methods=["POST"],
        request=None,
        description='Record an advance or a payment: `{"source", "amount": int, "date", "kind"}`.',
    )
    @action(detail=True, methods=["get", "post"])
    def disbursements(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        if request.method == "GET":
            return Response(
                DisbursementSerializer(project.disbursements.order_by("date", "id"), many=True).data
            )
        serializer = DisbursementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.record_disbursement(
            actor=request.user, project=project, **serializer.validated_data
        )
        return Response(DisbursementSerializer(created).data, status=status.HTTP_201_CREATED)


def _attach_beneficiaries(projects: list[Project]) -> None:
    from khuyencong.programmes.models import ProjectBeneficiary

    rows: dict[int, list[Any]] = {p.pk: [] for p in projects}
    for row in ProjectBeneficiary.objects.filter(project__in=list(rows)):
        rows[row.project_id].append(row)
    for project in projects:
        # Read by the serializer in place of a prefetch; not a model field.
        project._beneficiary_rows = rows[project.pk]  # type: ignore[attr-defined]  # for the serializer


class DisbursementSerializer(serializers.ModelSerializer):
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT, help_text="Đồng.")

    class Meta:
        model = Disbursement
        fields = ["id", "kind", "source", "amount", "date", "reference", "note", "created_at"]
        read_only_fields = ["id", "created_at"]


# --- programmes ---------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    province = serializers.PrimaryKeyRelatedField(
        queryset=Province.objects.all(), required=False, allow_null=True
    )
    targets = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT),
        required=False,
        write_only=True,
        help_text="{indicator code: target value}",
    )
    progress = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INT)

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "level",
            "province",
            "start_year",
            "end_year",
            "decision_number",
            "decision_date",
            "signer",
            "description",
            "targets",
            "progress",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}

    def get_progress(self, programme: Programme) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None or self.context.get("skip_progress"):
            return []
        return [
            {
                "indicator": row["indicator"].code,
                "target": row["target"],
                "planned": row["planned"],
                "achieved": row["achieved"],
                "percent": row["percent"],
            }
            for row in services.programme_progress(programme, user=request.user)
        ]

    def to_representation(self, programme: Programme) -> dict[str, Any]:
        data = super().to_representation(programme)
        data["targets"] = {t.indicator_id: t.value for t in programme.targets.all()}
        return data


@extend_schema(tags=["programmes"])
class ProgrammeViewSet(
    VersionRequiredMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """National and provincial programmes with their decision, targets and progress (the
    progress counts the projects in the caller's scope)."""

    serializer_class = ProgrammeSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "patch", "head", "options"]
    conflicts = {"partial_update": "Someone saved the programme after the `version` you sent."}

    def get_queryset(self) -> QuerySet[Programme]:
        return (
            programmes_for(self.request.user)
            .prefetch_related("targets")
            .order_by("-start_year", "code")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["skip_progress"] = self.action == "list"
        return context

    def _check(self, level: str, province: Any) -> None:
        refusal = programme_refusal(user_of(self.request), level, getattr(province, "pk", None))
        if refusal is not None:
            raise PermissionDenied(refusal)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        targets = data.pop("targets", None)
        data.pop("version", None)
        self._check(data["level"], data.get("province"))
        programme = services.create_programme(actor=request.user, data=data, targets=targets)
        return Response(self.get_serializer(programme).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        serializer = self.get_serializer(programme, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        targets = data.pop("targets", None)
        version = data.pop("version", None)
        self._check(data.get("level", programme.level), data.get("province", programme.province))
        updated = services.update_programme(
            actor=request.user,
            programme=programme,
            data=data,
            targets=targets,
            expected_version=version,
        )
        return Response(self.get_serializer(updated).data)


# --- plans --------------------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    province: serializers.PrimaryKeyRelatedField[Province] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = AnnualPlan
        fields = ["id", "province", "year", "funding_level", "status", "created_at"]


class PlanFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province_id")

    class Meta:
        model = AnnualPlan
        fields = ["province", "year", "funding_level", "status"]


class PlanStepSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    decision_number = serializers.CharField(
        required=False, allow_blank=True, max_length=60, default=""
    )
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)
    override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )


def _version(v: Any) -> dict[str, Any]:
    return {
        "number": v.number,
        "kind": v.kind,
        "decision_number": v.decision_number,
        "decision_date": v.decision_date.isoformat() if v.decision_date else None,
        "reason": v.reason,
        "created_at": v.created_at.isoformat(),
        "total": v.total,
    }


@extend_schema(tags=["programmes"])
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual plans per province, year and funding level, their versions, money and
    plan-cycle steps. Plans are created with their first project."""

    serializer_class = PlanSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = PlanFilter
    conflicts = {
        "register": "The plan is already registered, or has no submitted project.",
        "approve": "The plan is already approved, or a project breaks a rule.",
        "adjust": "The plan is not approved, or nothing changed since the last version.",
    }

    def get_queryset(self) -> QuerySet[AnnualPlan]:
        return plans_for(self.request.user).order_by("-year", "province_id", "funding_level")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        data = PlanSerializer(plan).data
        data["versions"] = [_version(v) for v in plan.versions.order_by("number")]
        total = money.money_total(plan.projects.filter(status__in=services.PLANNED_STATES))
        data["money"] = {
            k: total[k]
            for k in (
                "planned",
                "disbursed",
                "settled",
                "planned_total",
                "disbursed_total",
                "settled_total",
            )
        }
        data["steps"] = [
            {
                "step": s.deadline.step,
                "due": s.due.isoformat(),
                "done_on": s.done_on.isoformat() if s.done_on else None,
                "late": s.late,
                "overdue": s.overdue(_today()),
            }
            for s in deadlines.plan_steps(AnnualPlan.objects.filter(pk=plan.pk))
        ]
        return Response(data)

    def _step(self, request: Request, step: str) -> Response:
        plan = self.get_object()
        serializer = PlanStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        # Each step reads what it always read: a registration its ``note``, an adjustment
        # its ``reason`` (the workflow's name for the note), the decision where it has one.
        note = {"register": d["note"], "adjust": d["reason"]}.get(step, "")
        params = PLAN_WORKFLOW.steps[step].params
        moved = take_step(
            request,
            plan,
            {"action": step, "reason": note, **{k: v for k, v in d.items() if k in params}},
        )
        return Response(_version(moved.versions.order_by("-number").first()))

    @extend_schema(
        request=PlanStepSerializer, responses=None, description="Register the plan: version 1."
    )
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "register")

    @extend_schema(
        request=PlanStepSerializer,
        responses=None,
        description="Record the approving decision: every appraised project is approved with it.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "approve")

    @extend_schema(
        request=PlanStepSerializer,
        responses=None,
        description="Record an adjustment: a new version.",
    )
    @action(detail=True, methods=["post"])
    def adjust(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "adjust")

    @extend_schema(
        responses=None, description="Two versions side by side: `?a=<number>&b=<number>`."
    )
    @action(detail=True, methods=["get"])
    def compare(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        versions = {v.number: v for v in plan.versions.all()}
        picked = []
        for name in ("a", "b"):
            value = request.query_params.get(name, "")
            if not value.isdigit():
                raise serializers.ValidationError({name: [_("Give a version number.")]})
            if int(value) not in versions:
                raise Http404
            picked.append(versions[int(value)])
        diff = services.compare_versions(*picked)
        diff["old"] = _version(diff["old"])
        diff["new"] = _version(diff["new"])
        return Response(diff)


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


# --- plan optimisation --------------------------------------------------------------------


class BudgetSerializer(serializers.Serializer):
    national = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT)
    local = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT)


class OptimisationSerializer(serializers.Serializer):
    province = serializers.PrimaryKeyRelatedField(queryset=Province.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    budget = BudgetSerializer()
    weigh_by_impact = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Weigh each project's priority by the measured effect on revenue of its kind of "
            "support in the province (docs/impact.md): +1 % → ×1.1, at most ×2; a harm down to "
            "×0.5; no clear effect or too few to conclude ×1. Off by default."
        ),
    )


@extend_schema(tags=["programmes"])
class PlanOptimisationView(APIView):
    """Choose, among the province's submitted and appraised projects of the year, those with
    the highest total priority whose national and local budget lines fit the budgets (an
    exact 0/1 choice; ties go to the choice that spends least)."""

    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]

    @extend_schema(request=OptimisationSerializer, responses=None)
    def post(self, request: Request) -> Response:
        serializer = OptimisationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        province = data["province"]
        user = user_of(request)
        if not province_visible(user, province.pk):
            raise Http404
        candidates = list(
            projects_for(request.user).filter(
                province=province,
                year=data["year"],
                status__in=[Project.Status.SUBMITTED, Project.Status.APPRAISED],
            )
        )
        measured = None
        if data["weigh_by_impact"]:
            from khuyencong.reports.impact_report import optimiser_weights

            measured = optimiser_weights(province.pk, data["year"])
        result = priorities.optimise(
            candidates,
            dict(data["budget"]),
            weights={code: row["weight"] for code, row in measured.items()} if measured else None,
        )
        body: dict[str, Any] = {
            "selected": result.selected,
            "total_priority": result.total_priority,
            "spent": result.spent,
            "explanations": {str(k): v for k, v in result.explanations.items()},
        }
        if measured is not None:
            body["weighted_priority"] = result.weighted_priority
            body["weights"] = measured
        return Response(body)
