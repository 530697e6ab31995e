"""``/api/v1/collaborators/`` and ``/api/v1/collaborator-reports/`` with their transitions
(API.md, Field network).

Reads go through the network app's scoped entry points; every write calls its services, so
the API, the staff pages and the demo share one set of rules. Domain errors become 400
(naming the field) or 409 (a step not allowed now, a stale edit) in ``api.exceptions``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from khuyencong.accounts.requests import user_of
from khuyencong.api.fields import related_field
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole, writes
from khuyencong.api.schema import AutoSchema
from khuyencong.api.steps import TransitionsMixin
from khuyencong.api.versioning import VersionRequiredMixin
from khuyencong.network import access, deadlines, services
from khuyencong.network.models import (
    Collaborator,
    Difficulty,
    QuarterlyReport,
    ReportSectorLine,
)
from khuyencong.network.quarters import Quarter, parse_period
from khuyencong.network.workflow import ACTIONS
from khuyencong.places.models import Commune, Province
from khuyencong.registry.models import Sector

MAX_INT = 2_147_483_647


# --- collaborators ------------------------------------------------------------------------


class CollaboratorSerializer(serializers.ModelSerializer):
    province: serializers.PrimaryKeyRelatedField[Province] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="2025 province code, that of the communes covered."
    )
    communes = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Commune.objects.all(),
        help_text="2025 codes of the communes covered, all of one province.",
    )
    monthly_fee = serializers.IntegerField(
        required=False, min_value=0, max_value=services.MAX_AMOUNT, help_text="Đồng per month."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text="Send the version you read with a PATCH: a stale edit is refused with 409.",
    )

    class Meta:
        model = Collaborator
        fields = [
            "id",
            "full_name",
            "province",
            "communes",
            "position",
            "appointed_on",
            "appointment_decision",
            "active_until",
            "phone",
            "email",
            "monthly_fee",
            "user",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "user": {
                "help_text": "Id of the collaborator's own login (role collaborator), or null."
            }
        }


class CollaboratorFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province_id")
    commune = filters.CharFilter(field_name="communes", label="Covers this commune (code)")
    active = filters.BooleanFilter(method="filter_active", label="Active today")

    class Meta:
        model = Collaborator
        fields = ["province", "commune", "active"]

    def filter_active(
        self, queryset: QuerySet[Collaborator], name: str, value: bool
    ) -> QuerySet[Collaborator]:
        today = services.today()
        condition = Collaborator.active_between(today, today)
        return queryset.filter(condition) if value else queryset.exclude(condition)


@extend_schema_view(
    list=extend_schema(description="Collaborators in the caller's scope, by name."),
    create=extend_schema(
        description=(
            "Record a collaborator. The province is that of the communes covered; a province "
            "the caller may not write to is refused with 400 on `province`."
        )
    ),
    partial_update=extend_schema(
        description="Change some fields; send `version` to refuse a stale edit (409)."
    ),
)
@extend_schema(tags=["network"])
class CollaboratorViewSet(
    VersionRequiredMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CollaboratorSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = CollaboratorFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    conflicts = {"partial_update": "Someone saved the collaborator after the `version` you sent."}

    def get_queryset(self) -> QuerySet[Collaborator]:
        return _with_communes(
            access.collaborators_for(self.request.user, write=writes(self.request))
        ).order_by("province_id", "full_name", "id")

    def _check_role(self) -> None:
        if not access.is_province_staff(self.request.user):
            raise PermissionDenied(_("Only provincial officers and managers record collaborators."))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._check_role()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        communes = data.get("communes") or []
        data["province"] = communes[0].province_id if communes else user_of(request).province_id
        collaborator = services.create_collaborator(actor=request.user, data=data)
        return Response(self._read(collaborator), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._check_role()
        collaborator = self.get_object()
        serializer = self.get_serializer(collaborator, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected_version = data.pop("version", None)
        updated = services.update_collaborator(
            actor=request.user,
            collaborator=collaborator,
            data=data,
            expected_version=expected_version,
        )
        return Response(self._read(updated))

    def _read(self, collaborator: Collaborator) -> dict[str, Any]:
        return CollaboratorSerializer(
            _with_communes(Collaborator.objects).get(pk=collaborator.pk)
        ).data


def _with_communes(queryset: Any) -> QuerySet[Collaborator]:
    """Communes by code, in one query for a whole page."""
    return queryset.prefetch_related(
        Prefetch("communes", queryset=Commune.objects.order_by("code"))
    )


# --- quarterly reports --------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class PeriodField(serializers.Field):
    """A quarter written ``2026-Q1``."""

    default_error_messages = {"invalid": _("Enter a quarter such as 2026-Q1.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, report: QuarterlyReport) -> str:
        return report.period.period

    def to_internal_value(self, data: Any) -> dict[str, Quarter]:
        period = parse_period(data)
        if period is None:
            self.fail("invalid")
        return {"period": period}


class ReportSectorLineSerializer(serializers.Serializer):
    sector = serializers.PrimaryKeyRelatedField(
        queryset=Sector.objects.all(), help_text="Khuyến công sector code (a–g, dd for đ)."
    )
    active = serializers.IntegerField(min_value=0, max_value=services.MAX_COUNT, default=0)
    new = serializers.IntegerField(min_value=0, max_value=services.MAX_COUNT, default=0)
    ceased = serializers.IntegerField(min_value=0, max_value=services.MAX_COUNT, default=0)


class ReportDifficultySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    topic = serializers.ChoiceField(choices=Difficulty.Topic.choices)
    text = serializers.CharField(max_length=services.MAX_TEXT)
    commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(),
        required=False,
        allow_null=True,
        help_text="One of the communes the collaborator covers; by default their only one.",
    )
    status = serializers.ChoiceField(choices=Difficulty.Status.choices, read_only=True)
    forwarded_to = serializers.CharField(read_only=True)
    resolution = serializers.CharField(read_only=True)


class CollaboratorReportSerializer(serializers.ModelSerializer):
    collaborator = serializers.PrimaryKeyRelatedField(
        queryset=Collaborator.objects.none(),
        required=False,
        help_text="Collaborator id; a collaborator filing for themself may leave it out.",
    )
    province: serializers.PrimaryKeyRelatedField[Province] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    period = PeriodField(help_text="The quarter, e.g. `2026-Q1`. Fixed once created.")
    establishments_active = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=services.MAX_COUNT,
        help_text="Required unless `sector_lines` are given (then it is their sum).",
    )
    establishments_new = serializers.IntegerField(
        required=False, min_value=0, max_value=services.MAX_COUNT
    )
    establishments_ceased = serializers.IntegerField(
        required=False, min_value=0, max_value=services.MAX_COUNT
    )
    # ``max_length`` goes to the ListSerializer of ``many=True`` (the stubs do not know it).
    sector_lines = ReportSectorLineSerializer(  # type: ignore[call-arg]  # max_length
        many=True,
        required=False,
        max_length=20,
        help_text="Counts by sector; the totals must equal their sums.",
    )
    difficulties = ReportDifficultySerializer(  # type: ignore[call-arg]  # max_length, as above
        many=True,
        required=False,
        max_length=services.MAX_DIFFICULTIES,
        help_text=(
            "Replaces the report's open difficulties; those the province already handles "
            "stay as they are."
        ),
    )
    due_date = serializers.SerializerMethodField()
    timeliness = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text="Send the version you read with a PATCH: a stale edit is refused with 409.",
    )

    class Meta:
        model = QuarterlyReport
        fields = [
            "id",
            "collaborator",
            "province",
            "period",
            "establishments_active",
            "establishments_new",
            "establishments_ceased",
            "sector_lines",
            "difficulties",
            "proposals",
            "status",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "due_date",
            "timeliness",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            related_field(self, "collaborator").queryset = access.collaborators_for(request.user)

    def _deadlines(self) -> dict[str | None, int]:
        if "deadlines" not in self.context:
            self.context["deadlines"] = deadlines.deadline_days()
        return self.context["deadlines"]

    def get_due_date(self, report: QuarterlyReport) -> datetime.date:
        return deadlines.due_date(report.province_id, report.period, self._deadlines())

    def get_timeliness(self, report: QuarterlyReport) -> str:
        """`on_time`, `late` (submitted after the due date), `missing` (not submitted and
        past due) or `pending` (not submitted, not due yet)."""
        return deadlines.timeliness(
            self.get_due_date(report), deadlines.submitted_on(report), services.today()
        )


class ReportFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province_id")
    period = filters.CharFilter(method="filter_period", label="Quarter, e.g. 2026-Q1")

    class Meta:
        model = QuarterlyReport
        fields = ["province", "collaborator", "year", "quarter", "status", "period"]

    def filter_period(
        self, queryset: QuerySet[QuarterlyReport], name: str, value: str
    ) -> QuerySet[QuarterlyReport]:
        period = parse_period(value)
        if period is None:
            raise serializers.ValidationError({"period": [_("Enter a quarter such as 2026-Q1.")]})
        return queryset.filter(year=period.year, quarter=period.quarter)


class ReportTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=services.MAX_TEXT, default=""
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.MAX_TEXT,
        default="",
        help_text="Required to return a report.",
    )
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INT)


def _service_data(validated: dict[str, Any]) -> dict[str, Any]:
    data = {
        name: validated[name]
        for name in (
            "establishments_active",
            "establishments_new",
            "establishments_ceased",
            "proposals",
        )
        if name in validated
    }
    if "sector_lines" in validated:
        data["sector_lines"] = [dict(line) for line in validated["sector_lines"]]
    if "difficulties" in validated:
        data["difficulties"] = [dict(item) for item in validated["difficulties"]]
    return data


def _with_lines(queryset: Any) -> QuerySet[QuarterlyReport]:
    """Sector lines and difficulties in one query each for a whole page."""
    return queryset.prefetch_related(
        Prefetch("sector_lines", queryset=ReportSectorLine.objects.order_by("sector_id")),
        Prefetch("difficulties", queryset=Difficulty.objects.order_by("id")),
    )


@extend_schema_view(
    list=extend_schema(description="Quarterly reports in the caller's scope, newest first."),
    create=extend_schema(
        description=(
            "Draft a collaborator's report for a quarter. A collaborator files only for "
            "themself; provincial officers and managers for any collaborator of their province."
        )
    ),
    partial_update=extend_schema(
        description="Edit a draft or returned report; send `version` to refuse a stale edit (409)."
    ),
    transitions=[
        extend_schema(
            methods=["POST"],
            request=ReportTransitionSerializer,
            responses=CollaboratorReportSerializer,
            description=(
                'Take a workflow step: `{"action": "submit"|"accept"|"return", "note"}`; a return '
                'needs `"reason"` (400 on `reason` without one). A step not allowed from the '
                "report's status, or for the caller's role, answers 409. Answers the report."
            ),
        ),
        extend_schema(
            methods=["GET"], responses=None, description="The report's steps, oldest first."
        ),
    ],
)
@extend_schema(tags=["network"])
class ReportViewSet(
    TransitionsMixin,
    VersionRequiredMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CollaboratorReportSerializer
    transition_serializer = ReportTransitionSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = ReportFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    conflicts = {
        "partial_update": "The report is submitted or accepted, or someone saved it after the `version` you sent.",
        "transitions": "The step is not allowed from the report's status or for the caller's role, or the `version` is stale.",
    }

    def get_queryset(self) -> QuerySet[QuarterlyReport]:
        return _with_lines(
            access.reports_for(self.request.user, write=writes(self.request))
        ).order_by("-year", "-quarter", "collaborator_id", "id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        validated = serializer.validated_data
        collaborator = validated.get("collaborator")
        if collaborator is None:
            collaborator = (
                access.collaborators_for(request.user).filter(user=user_of(request)).first()
            )
            if collaborator is None:
                raise serializers.ValidationError({"collaborator": [_("This field is required.")]})
        period = validated["period"]
        report = services.create_report(
            actor=request.user,
            collaborator=collaborator,
            year=period.year,
            quarter=period.quarter,
            data=_service_data(validated),
        )
        return Response(self._read(report), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        serializer = self.get_serializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        validated = serializer.validated_data
        if "period" in validated and validated["period"] != report.period:
            raise serializers.ValidationError(
                {"period": [_("A report stays in its quarter; file a new one instead.")]}
            )
        collaborator = validated.get("collaborator")
        if collaborator is not None and collaborator.pk != report.collaborator_id:
            raise serializers.ValidationError(
                {"collaborator": [_("A report stays with its collaborator.")]}
            )
        updated = services.update_report(
            actor=request.user,
            report=report,
            data=_service_data(validated),
            expected_version=validated.get("version"),
        )
        return Response(self._read(updated))

    def _read(self, report: QuarterlyReport) -> dict[str, Any]:
        fresh = _with_lines(QuarterlyReport.objects).get(pk=report.pk)
        return CollaboratorReportSerializer(fresh, context=self.get_serializer_context()).data
