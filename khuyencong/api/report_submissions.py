"""``/api/v1/report-submissions/`` and ``/api/v1/report-consolidation/``: a province's
periodic reports submitted as frozen snapshots, and their consolidation over a region or the
whole country (``reports.submissions``).

Reads are scoped (another province's submission answers 404); a submission is made by the
province's manager or officers (or an administrator) and answers its snapshot. Consolidation
is read by the roles that read the whole country; a region or the nation outside the caller's
places answers 404, a malformed unit or period 400 naming ``unit``, ``start`` or ``end``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from khuyencong.api.params import YEAR_BOUNDS
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole
from khuyencong.api.report_schema import SOURCE_HELP, indicator_fields, period_fields
from khuyencong.api.schema import AutoSchema
from khuyencong.api.steps import take_step
from khuyencong.reports import access, consolidation, submissions
from khuyencong.reports.forms import FORMS, FormError
from khuyencong.reports.models import ReportSubmission, SubmissionTransition
from khuyencong.reports.periods import Period

STATUSES = [submissions.ON_TIME, submissions.LATE, submissions.MISSING, submissions.PENDING]
KIND_HELP = "`quarter`, `6_months` (first 6 months), `9_months` (first 9 months) or `year`."


def _snapshot_schema() -> Any:
    return inline_serializer(
        "SubmissionSnapshot",
        {
            **period_fields(),
            "indicators": inline_serializer(
                "SubmissionSnapshotIndicator",
                many=True,
                fields={
                    **indicator_fields(),
                    "source": serializers.CharField(help_text=SOURCE_HELP),
                    "note": serializers.CharField(),
                },
            ),
            "narrative": serializers.CharField(),
        },
    )


@extend_schema_field(_snapshot_schema())
class SnapshotField(serializers.JSONField):
    """The period summary as it was when submitted (the shape of ``/reports/summary/``)."""


class ReportSubmissionSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id", read_only=True)
    unit = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    period_label = serializers.CharField(read_only=True)
    submitted_by = serializers.CharField(
        source="submitted_by_name", read_only=True, help_text="Name of the submitter."
    )
    is_latest = serializers.BooleanField(
        read_only=True, help_text="Whether this is the latest version (the one consolidated)."
    )

    class Meta:
        model = ReportSubmission
        fields = [
            "id",
            "province",
            "unit",
            "start",
            "end",
            "kind",
            "period_label",
            "version",
            "is_latest",
            "note",
            "submitted_by",
            "submitted_at",
            "status",
        ]
        read_only_fields = fields

    def get_unit(self, submission: ReportSubmission) -> str:
        return f"province:{submission.province_id}"


class SubmissionTransitionSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="actor_name", read_only=True)

    class Meta:
        model = SubmissionTransition
        fields = ["action", "from_status", "to_status", "reason", "by", "at"]
        read_only_fields = fields


class ReportSubmissionDetailSerializer(ReportSubmissionSerializer):
    snapshot = SnapshotField(
        read_only=True, help_text="The summary and, under `forms`, the four official forms."
    )
    transitions = SubmissionTransitionSerializer(many=True, read_only=True)

    class Meta(ReportSubmissionSerializer.Meta):
        fields = [*ReportSubmissionSerializer.Meta.fields, "transitions", "snapshot"]
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="`return` (with a `reason`) or `accept`.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SubmissionInputSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="The province, e.g. `province:66`.")
    start = serializers.DateField(help_text="First day: of a quarter, or 1 January.")
    end = serializers.DateField(
        help_text="Last day: of the quarter, of June (6 months), of September (9 months) or of December."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SubmissionFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province_id")
    kind = filters.ChoiceFilter(choices=ReportSubmission.Kind.choices)
    start = filters.DateFilter()
    end = filters.DateFilter()
    year = filters.NumberFilter(
        field_name="end", lookup_expr="year", label="Year of the period", **YEAR_BOUNDS
    )
    latest = filters.BooleanFilter(
        field_name="is_latest", label="Only the latest version of each period"
    )

    class Meta:
        model = ReportSubmission
        fields = ["province", "kind", "start", "end", "year", "latest"]


@extend_schema_view(
    list=extend_schema(
        description="Submitted reports in the caller's places, latest periods first, every version."
    ),
    retrieve=extend_schema(description="One submitted version with its frozen snapshot."),
)
@extend_schema(tags=["reports"])
class ReportSubmissionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = SubmissionFilter
    http_method_names = ["get", "post", "head", "options"]
    conflicts = {"create": "Someone submitted the same period at the same moment."}

    def get_queryset(self) -> QuerySet[ReportSubmission]:
        newer = ReportSubmission.objects.filter(
            province=OuterRef("province"),
            start=OuterRef("start"),
            end=OuterRef("end"),
            version__gt=OuterRef("version"),
        )
        queryset = (
            access.submissions_for(self.request.user)
            .annotate(is_latest=~Exists(newer))
            .order_by("-end", "province_id", "-version", "-id")
        )
        if self.action == "list":
            queryset = queryset.defer("snapshot")
        else:
            queryset = queryset.prefetch_related("transitions")
        return queryset

    def get_permissions(self) -> Sequence[Any]:
        # The national agency reviews though it writes nothing else: the service decides.
        if self.action == "transitions":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "list":
            return ReportSubmissionSerializer
        return ReportSubmissionDetailSerializer

    @extend_schema(
        request=SubmissionInputSerializer,
        responses={
            201: ReportSubmissionDetailSerializer,
            404: OpenApiResponse(description="A province outside the caller's places."),
        },
        description=(
            "Submit the province's report for a quarter, the first 6 or 9 months of a year, "
            "or a year: the period summary is frozen as the next version (1, 2, …). Only the "
            "province's manager and officers (or an administrator) submit."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = SubmissionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            province = access.province_for_submission(request.user, data["unit"])
            submission = submissions.submit(
                actor=request.user,
                province=province,
                period=Period(data["start"], data["end"]),
                note=data["note"],
            )
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        submission.is_latest = True  # type: ignore[attr-defined]  # read by the serializer
        return Response(
            ReportSubmissionDetailSerializer(submission).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=ReviewInputSerializer,
        responses={
            200: ReportSubmissionDetailSerializer,
            409: OpenApiResponse(description="Not submitted now, or a newer version exists."),
        },
        description=(
            "The national agency returns the latest version with a `reason` (the province "
            "submits a new version) or accepts it (it is consolidated). Only national "
            "officers and administrators."
        ),
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: Any = None) -> Response:
        submission = self.get_object()
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A role that may not review: core's ForbiddenError, answered 403.
        reviewed = take_step(request, submission, serializer.validated_data)
        reviewed.is_latest = True
        return Response(ReportSubmissionDetailSerializer(reviewed).data)


def _consolidation_schema() -> Any:
    submission = inline_serializer(
        "ConsolidationSubmission",
        {
            "id": serializers.IntegerField(),
            "version": serializers.IntegerField(),
            "submitted_at": serializers.DateTimeField(),
            "submitted_by": serializers.CharField(),
            "first_submitted_at": serializers.DateTimeField(),
        },
        allow_null=True,
    )
    return inline_serializer(
        "ReportConsolidation",
        {
            **period_fields(),
            "kind": serializers.CharField(help_text=KIND_HELP),
            "due": serializers.DateField(help_text="The day the reports were due."),
            "submitted": serializers.IntegerField(help_text="How many provinces submitted."),
            "provinces": inline_serializer(
                "ConsolidationProvince",
                many=True,
                fields={
                    "province": serializers.CharField(),
                    "name": serializers.CharField(),
                    "status": serializers.ChoiceField(choices=STATUSES),
                    "submission": submission,
                },
            ),
            "not_submitted": inline_serializer(
                "ConsolidationMissing",
                many=True,
                fields={
                    "province": serializers.CharField(),
                    "name": serializers.CharField(),
                    "status": serializers.ChoiceField(
                        choices=[submissions.MISSING, submissions.PENDING]
                    ),
                },
            ),
            "late": inline_serializer(
                "ConsolidationLate",
                many=True,
                fields={
                    "province": serializers.CharField(),
                    "name": serializers.CharField(),
                    "first_submitted_at": serializers.DateTimeField(),
                },
            ),
            "indicators": inline_serializer(
                "ConsolidationIndicator",
                many=True,
                fields={
                    **indicator_fields(),
                    "provinces": serializers.IntegerField(
                        help_text="Submitted reports giving this figure."
                    ),
                    "note": serializers.CharField(),
                },
            ),
        },
    )


class _Dates(serializers.Serializer):
    """Formats the dates and times of the consolidation like the rest of the API."""

    date = serializers.DateField()
    moment = serializers.DateTimeField()


def _render(result: dict[str, Any]) -> dict[str, Any]:
    dates = _Dates()
    moment = dates.fields["moment"]
    out = dict(result)
    out["due"] = dates.fields["date"].to_representation(result["due"])
    out["provinces"] = []
    for row in result["provinces"]:
        row = dict(row)
        if row["submission"] is not None:
            row["submission"] = {
                **row["submission"],
                "submitted_at": moment.to_representation(row["submission"]["submitted_at"]),
                "first_submitted_at": moment.to_representation(
                    row["submission"]["first_submitted_at"]
                ),
            }
        out["provinces"].append(row)
    out["late"] = [
        {**row, "first_submitted_at": moment.to_representation(row["first_submitted_at"])}
        for row in result["late"]
    ]
    return out


class SingleObjectSchema(AutoSchema):
    """The router's ``list`` route answering one object, not a list."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


@extend_schema(tags=["reports"])
class ConsolidationViewSet(viewsets.ViewSet):
    """The consolidation of the submitted reports of a region or the whole country (one
    object, served on the router's list route so that ``register(router)`` suffices)."""

    schema = SingleObjectSchema()
    permission_classes = [WritingRole]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unit", str, required=True, description="`nation` or `region:<code>`."
            ),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
        ],
        responses={
            200: _consolidation_schema(),
            404: OpenApiResponse(
                description="A region or the whole country outside the caller's places."
            ),
        },
        description=(
            "Each province with its latest submitted version (or not submitted), who has not "
            "submitted, who submitted late (first version after the due day), and the totals "
            "of the latest versions: sums, distinct counts and levels add over provinces; a "
            "percentage is never added (recomputed from its parts when they are reported, "
            "else null with a note)."
        ),
    )
    def list(self, request: Request) -> Response:
        params = request.query_params
        resolved = access.consolidation_unit(request.user, params.get("unit"))
        period, _kind = submissions.report_period(params.get("start"), params.get("end"))
        return Response(_render(consolidation.consolidate(resolved, period)))


class ConsolidatedFormsViewSet(viewsets.ViewSet):
    """The official forms of a region or the whole country added up from the provinces'
    accepted reports (one object, on the router's list route)."""

    schema = SingleObjectSchema()
    permission_classes = [WritingRole]

    @extend_schema(
        tags=["reports"],
        parameters=[
            OpenApiParameter(
                "unit", str, required=True, description="`nation` or `region:<code>`."
            ),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
            OpenApiParameter(
                "form", str, enum=list(FORMS), description="One form; all four without it."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
        description=(
            '`{"unit", "start", "end", "forms": [official form, …]}`: each form '
            "with the rows of the provinces' accepted reports added column by column (the "
            "project lists one after the other) and `completeness` naming the provinces "
            "whose report is not accepted."
        ),
    )
    def list(self, request: Request) -> Response:
        params = request.query_params
        code = params.get("form") or ""
        if code and code not in FORMS:
            raise FormError(
                _("No such form: choose %(forms)s.") % {"forms": ", ".join(FORMS)}, field="form"
            )
        resolved = access.consolidation_unit(request.user, params.get("unit"))
        period, _kind = submissions.report_period(params.get("start"), params.get("end"))
        forms = consolidation.consolidate_forms(resolved, period, [code] if code else None)
        start, end = period.iso
        return Response(
            {
                "unit": str(resolved.unit),
                "start": start,
                "end": end,
                "forms": [form.as_json() for form in forms],
            }
        )


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("report-submissions", ReportSubmissionViewSet, basename="api-report-submission")
    router.register(
        "report-consolidation/forms",
        ConsolidatedFormsViewSet,
        basename="api-report-consolidation-forms",
    )
    router.register(
        "report-consolidation", ConsolidationViewSet, basename="api-report-consolidation"
    )
