"""``/api/v1/aggregates/``, ``/api/v1/report-indicators/``, ``/api/v1/reports/summary/`` and
``/api/v1/data-quality/`` (API.md, "Aggregate values" and "Reports").

Reads go through the reports app's scoped entry points; every write calls its services, so
the API, the staff pages and the import share one set of rules. A unit outside the caller's
places answers 404; a malformed unit or period 400 naming ``unit``, ``start`` or ``end``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.db.models import QuerySet
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from khuyencong.api.params import YEAR_BOUNDS
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole
from khuyencong.api.schema import AutoSchema
from khuyencong.api.versioning import VersionRequiredMixin
from khuyencong.reports import access, exporting, impact, impact_report, quality, services, summary
from khuyencong.reports.models import AggregateValue, Indicator, UnitKind
from khuyencong.reports.periods import Period

MAX_INT = 2_147_483_647
MAX_BATCH = 5_000


def _write(request: Request) -> bool:
    return request.method not in ("GET", "HEAD", "OPTIONS")


# --- the catalogue ----------------------------------------------------------------------------


class ReportIndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label", read_only=True)
    parent = serializers.CharField(  # type: ignore[assignment]  # a field named like a Field attribute
        source="parent_id", read_only=True, allow_null=True, help_text="Sum-of-parts parent."
    )
    plan = serializers.CharField(
        source="plan_id",
        read_only=True,
        allow_null=True,
        help_text="The plan indicator a value is compared with.",
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "counting",
            "by_plan_year",
            "computation",
            "parent",
            "plan",
            "order",
        ]


@extend_schema_view(
    list=extend_schema(description="The indicator catalogue of reports, in report order."),
)
@extend_schema(tags=["reports"])
class ReportIndicatorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ReportIndicatorSerializer
    queryset = Indicator.objects.order_by("order", "code")
    schema = AutoSchema()
    pagination_class = None
    lookup_value_regex = r"[a-z_.]+"


# --- aggregate values -------------------------------------------------------------------------


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "number"}], "description": "See `value`."}
)
class ValueField(serializers.Field):
    """Đồng or a count as an integer; a percentage (``percent`` indicators) with at most one
    decimal, e.g. 81.3."""

    def to_representation(self, aggregate: AggregateValue) -> int | float:
        amount = aggregate.amount
        return float(amount) if aggregate.indicator.is_percent else int(amount)

    def to_internal_value(self, data: Any) -> Any:
        return data


class AggregateSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator_id", help_text="Indicator code.")
    unit = serializers.CharField(
        help_text="`province:<code>`, `legacy-province:<code>` or `commune:<code>`."
    )
    province = serializers.CharField(
        source="province_id", read_only=True, help_text="The 2025 province the unit lies in."
    )
    value = ValueField(
        source="*",
        help_text=(
            "Đồng for money, a number for counts, a percentage with at most one decimal for "
            "`percent` indicators."
        ),
    )
    entered_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text="Send the version you read with a PATCH or DELETE: a stale edit is refused with 409.",
    )

    class Meta:
        model = AggregateValue
        fields = [
            "id",
            "indicator",
            "unit",
            "province",
            "start",
            "end",
            "value",
            "is_declared_total",
            "source_note",
            "entered_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class AggregateInputSerializer(serializers.Serializer):
    """The body of a POST (documentation; the reports services check it)."""

    indicator = serializers.CharField(help_text="Indicator code, e.g. `funding.disbursed`.")
    unit = serializers.CharField(help_text="`province:66`, `legacy-province:54`, `commune:24100`.")
    start = serializers.DateField()
    end = serializers.DateField()
    value = serializers.DecimalField(max_digits=20, decimal_places=1)
    is_declared_total = serializers.BooleanField(required=False, default=False)
    source_note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class AggregateChangeSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=1, required=False)
    is_declared_total = serializers.BooleanField(required=False)
    source_note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INT)


class AggregateFilter(filters.FilterSet):
    indicator = filters.CharFilter(field_name="indicator_id")
    unit = filters.CharFilter(method="filter_unit", label="Exactly this unit (`province:66`)")
    unit_kind = filters.ChoiceFilter(choices=UnitKind.choices)
    province = filters.CharFilter(field_name="province_id", label="In this 2025 province")
    year = filters.NumberFilter(method="filter_year", label="Overlapping this year", **YEAR_BOUNDS)
    is_declared_total = filters.BooleanFilter()

    class Meta:
        model = AggregateValue
        fields = ["indicator", "unit", "unit_kind", "province", "year", "is_declared_total"]

    def filter_unit(
        self, queryset: QuerySet[AggregateValue], name: str, value: str
    ) -> QuerySet[AggregateValue]:
        kind, _sep, code = value.partition(":")
        return queryset.filter(unit_kind=kind, unit_code=code)

    def filter_year(
        self, queryset: QuerySet[AggregateValue], name: str, value: Any
    ) -> QuerySet[AggregateValue]:
        year = int(value)
        return queryset.filter(start__year__lte=year, end__year__gte=year)


@extend_schema_view(
    list=extend_schema(description="Aggregate values in the caller's places."),
    retrieve=extend_schema(description="One aggregate value."),
    partial_update=extend_schema(
        request=AggregateChangeSerializer,
        description=(
            "Change the value, the declared-total flag or the source; send `version` to "
            "refuse a stale edit (409)."
        ),
    ),
    destroy=extend_schema(
        parameters=[OpenApiParameter("version", int, description="The version you read.")],
        description="Remove a value entered by mistake (its history is kept).",
    ),
)
@extend_schema(tags=["reports"])
class AggregateViewSet(
    VersionRequiredMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AggregateSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = AggregateFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    conflicts = {
        "partial_update": "Someone changed the value after the `version` you sent.",
        "destroy": "Someone changed the value after the `version` you sent.",
    }

    def get_queryset(self) -> QuerySet[AggregateValue]:
        return (
            access.aggregates_for(self.request.user, write=_write(self.request))
            .select_related("indicator", "entered_by")
            .order_by(
                "province_id", "indicator__order", "unit_kind", "unit_code", "start", "end", "id"
            )
        )

    def _check_role(self) -> None:
        if not access.may_enter(self.request.user):
            raise PermissionDenied(_("Your role may not enter aggregate values."))

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="AggregateInputOneOrMany",
            serializers=[AggregateInputSerializer, AggregateInputSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={
            201: PolymorphicProxySerializer(
                component_name="AggregateOneOrMany",
                serializers=[AggregateSerializer, AggregateSerializer(many=True)],
                resource_type_field_name=None,
                many=False,
            )
        },
        description=(
            "Enter one value (an object) or several (a list), all or nothing. For a list, a "
            "400 answers a list with one object of field errors per item (`{}` for a valid "
            "item). An indicator, place and period already entered is refused: PATCH it."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._check_role()
        data = request.data
        many = isinstance(data, list)
        if not many and not hasattr(data, "get"):
            return Response(
                {"detail": _("Send an object or a list of objects.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        items: list[Any] = list(data) if many else [_plain(data)]
        if many and not items:
            return Response(
                {"detail": _("Give at least one value.")}, status=status.HTTP_400_BAD_REQUEST
            )
        if len(items) > MAX_BATCH:
            return Response(
                {"detail": _("At most %(n)s values at a time.") % {"n": MAX_BATCH}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if any(not isinstance(item, dict) for item in items):
            return Response(
                {"detail": _("Each value is an object.")}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            saved, _counts = services.enter_aggregates(actor=request.user, items=items)
        except services.BatchRejected as rejected:
            body: Any = rejected.errors if many else rejected.errors[0]
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        out = AggregateSerializer(saved, many=True).data
        return Response(out if many else out[0], status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._check_role()
        aggregate = self.get_object()
        serializer = AggregateChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("version", None)
        if "value" in request.data:
            data["value"] = request.data["value"]  # as sent: the service checks decimals
        updated = services.update_aggregate(
            actor=request.user, aggregate=aggregate, data=data, expected_version=expected
        )
        return Response(
            AggregateSerializer(
                AggregateValue.objects.select_related("indicator", "entered_by").get(pk=updated.pk)
            ).data
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._check_role()
        aggregate = self.get_object()
        version = request.query_params.get("version")
        expected = int(version) if version and version.isdigit() else None
        services.delete_aggregate(
            actor=request.user, aggregate=aggregate, expected_version=expected
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _plain(data: Any) -> dict[str, Any]:
    """A form-encoded body as a plain dict (JSON bodies already are)."""
    if hasattr(data, "dict"):
        return data.dict()
    return dict(data)


# --- reports ----------------------------------------------------------------------------------

UNIT_PARAMETER = OpenApiParameter(
    "unit",
    str,
    required=True,
    description="`nation`, `region:NAM`, `province:66`, `legacy-province:77` or `commune:<code>`.",
)


def _summary_rows() -> Any:
    return inline_serializer(
        "SummaryIndicator",
        many=True,
        fields={
            "code": serializers.CharField(),
            "name": serializers.CharField(),
            "unit": serializers.ChoiceField(choices=Indicator.Unit.choices),
            "value": serializers.FloatField(allow_null=True),
            "plan": serializers.FloatField(allow_null=True),
            "percent_of_plan": serializers.FloatField(allow_null=True),
            "previous": serializers.FloatField(allow_null=True),
            "change_percent": serializers.FloatField(allow_null=True),
            "source": serializers.ChoiceField(choices=["records", "aggregates", "mixed", "none"]),
            "note": serializers.CharField(help_text="Why a value is missing, when it is."),
            "completeness": inline_serializer(
                "SummaryCompleteness",
                allow_null=True,
                help_text=(
                    "How many of the places expected during the period reported the figure; "
                    "the value is the sum of what was reported."
                ),
                fields={
                    "reported": serializers.IntegerField(),
                    "expected": serializers.IntegerField(),
                    "missing": serializers.ListField(
                        child=serializers.CharField(), help_text="Units, `legacy-province:79`."
                    ),
                    "missing_labels": serializers.ListField(child=serializers.CharField()),
                    "level": serializers.ChoiceField(choices=["province", "commune"]),
                },
            ),
            "comparable": serializers.BooleanField(
                help_text=(
                    "False when this period and the same period a year earlier rest on "
                    "different sources or coverage; `change_percent` is still given."
                )
            ),
            "comparable_note": serializers.CharField(help_text="Why not comparable."),
            "previous_source": serializers.CharField(
                help_text="Where `previous` came from: like `source`."
            ),
        },
    )


class _FileRenderer(BaseRenderer):
    """A report file (``?format=xlsx|docx|pdf``): renders the summary dictionary the view
    built (in Vietnamese) with ``reports.exporting``."""

    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return exporting.render(data, self.format)


class XlsxRenderer(_FileRenderer):
    media_type = exporting.CONTENT_TYPES["xlsx"]
    format = "xlsx"


class DocxRenderer(_FileRenderer):
    media_type = exporting.CONTENT_TYPES["docx"]
    format = "docx"


class PdfRenderer(_FileRenderer):
    media_type = exporting.CONTENT_TYPES["pdf"]
    format = "pdf"


SUMMARY_FORMATS = ("json", *exporting.FORMATS)


class SummaryView(APIView):
    """The period summary of a place: every indicator with its value, the plan of the year
    containing the period, the same period one year earlier, the changes, and where each
    figure came from (records, aggregate values, both, or none when it cannot be answered
    exactly); and a Vietnamese paragraph stating the main figures. With `format=xlsx`,
    `docx` or `pdf` the same summary comes as a file in the shape of an official
    Vietnamese report (title, place and period, paragraph, table of indicators)."""

    schema = AutoSchema()
    permission_classes = [WritingRole]
    renderer_classes = [
        # api_settings has imported the dotted paths of the setting into classes.
        *cast(list[type[BaseRenderer]], api_settings.DEFAULT_RENDERER_CLASSES),
        XlsxRenderer,
        DocxRenderer,
        PdfRenderer,
    ]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # An unknown ?format= is answered by ``get`` with a 400 naming ``format`` (after the
        # authentication and permission checks), so negotiate JSON for it rather than 404.
        fmt = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
        if fmt is not None and fmt not in (*SUMMARY_FORMATS, "api"):
            renderer = JSONRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # DRF passes its Request; the stubs keep View.options(HttpRequest)
        # The description of the endpoint is JSON whatever file was asked for.
        if isinstance(getattr(request, "accepted_renderer", None), _FileRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().options(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON whatever file was asked for.
        if isinstance(getattr(self.request, "accepted_renderer", None), _FileRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        tags=["reports"],
        parameters=[
            UNIT_PARAMETER,
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
            OpenApiParameter(
                "format",
                str,
                enum=list(SUMMARY_FORMATS),
                description=(
                    "`json` (the default) or a file: `xlsx`, `docx` or `pdf`, sent as an "
                    "attachment named `bao-cao-khuyen-cong-<place>-<start>-<end>.<format>`."
                ),
            ),
        ],
        responses={
            (200, "application/json"): inline_serializer(
                "ReportSummary",
                {
                    "unit": serializers.CharField(),
                    "unit_label": serializers.CharField(),
                    "start": serializers.DateField(),
                    "end": serializers.DateField(),
                    "period_label": serializers.CharField(),
                    "indicators": _summary_rows(),
                    "narrative": serializers.CharField(),
                },
            ),
            (200, XlsxRenderer.media_type): OpenApiTypes.BINARY,
            (200, DocxRenderer.media_type): OpenApiTypes.BINARY,
            (200, PdfRenderer.media_type): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        fmt = params.get(api_settings.URL_FORMAT_OVERRIDE) or "json"
        if fmt not in (*SUMMARY_FORMATS, "api"):
            raise ValidationError(
                {"format": [_("Choose json, xlsx, docx or pdf.")]}, code="invalid"
            )
        resolved = access.resolve_for(request.user, params.get("unit"))
        period = Period.parse(params.get("start"), params.get("end"))
        renderer = request.accepted_renderer
        if isinstance(renderer, _FileRenderer):
            report = exporting.build_report(resolved, period)
            filename = exporting.filename(report, renderer.format)
            return Response(
                report,
                headers={"Content-Disposition": content_disposition_header(True, filename) or ""},
            )
        return Response(summary.build(resolved, period))


class DataQualityView(APIView):
    """Issues of a place: declared totals that differ from the sum of their parts
    (`inconsistent_total`, with `declared`, `sum_of_parts` and `difference`), gaps in
    yearly series (`missing_value`), outliers (`outlier`, with `value` and `median`) and
    late or missing collaborator reports (`late_submission`, with `late` and `missing`)."""

    schema = AutoSchema()
    permission_classes = [WritingRole]

    @extend_schema(
        tags=["reports"],
        parameters=[UNIT_PARAMETER],
        responses=inline_serializer(
            "DataQuality",
            {
                "issues": inline_serializer(
                    "DataQualityIssue",
                    {
                        "kind": serializers.ChoiceField(choices=list(quality.KINDS)),
                        "indicator": serializers.CharField(),
                        "unit": serializers.CharField(),
                        "start": serializers.DateField(),
                        "end": serializers.DateField(),
                        "message": serializers.CharField(),
                        "declared": serializers.IntegerField(required=False),
                        "sum_of_parts": serializers.IntegerField(required=False),
                        "difference": serializers.IntegerField(required=False),
                        "value": serializers.IntegerField(required=False),
                        "median": serializers.FloatField(required=False),
                        "late": serializers.IntegerField(required=False),
                        "missing": serializers.IntegerField(required=False),
                    },
                    many=True,
                )
            },
        ),
    )
    def get(self, request: Request) -> Response:
        resolved = access.resolve_for(request.user, request.query_params.get("unit"))
        return Response({"issues": quality.issues(request.user, resolved)})


# --- impact evaluation -------------------------------------------------------------------------


def _impact_fields(prefix: str) -> dict[str, Any]:
    money = "In the figure's unit: đồng (integer) for money, workers (two decimals) for `workers`."
    return {
        "treated": serializers.IntegerField(
            help_text="Supported establishments compared (figure known before and after)."
        ),
        "controls": serializers.IntegerField(
            help_text="Comparable establishments not supported in the window, matched to them."
        ),
        "effect": serializers.FloatField(
            allow_null=True,
            help_text=f"Effect per supported establishment `horizon` years on. {money} Null when too few.",
        ),
        "ci_low": serializers.FloatField(allow_null=True, help_text="95 % interval, low end."),
        "ci_high": serializers.FloatField(allow_null=True, help_text="95 % interval, high end."),
        "p_value": serializers.FloatField(allow_null=True),
        "verdict": serializers.ChoiceField(
            choices=["effect", "harm", "no_effect", "too_few"],
            help_text="`effect`: interval above zero; `harm`: below; `no_effect`: contains "
            "zero; `too_few`: too few establishments to conclude.",
        ),
        "conclusive": serializers.BooleanField(),
        "message": serializers.CharField(help_text="What it means, in a sentence."),
        "pretrend_p": serializers.FloatField(
            allow_null=True,
            help_text="Joint test that the years before support show no difference.",
        ),
        "pretrend_warning": serializers.BooleanField(
            help_text="The groups already differed before support (pretrend_p < 0.05)."
        ),
        "matched_exact": serializers.IntegerField(
            help_text="Supported establishments matched on all of province, sector, kind, size."
        ),
        "unmatched": serializers.IntegerField(
            help_text="Supported establishments left out: no comparable one in their province."
        ),
        "baseline_mean": serializers.FloatField(
            allow_null=True, help_text="The supported ones' mean the year before support."
        ),
        "spent_per_establishment": serializers.IntegerField(
            allow_null=True,
            help_text="Khuyến công money (national + local) per supported establishment, đồng.",
        ),
        "effect_per_billion": serializers.FloatField(
            allow_null=True, help_text="Effect per 1 tỷ (10⁹) đồng of khuyến công money."
        ),
        "event_study": inline_serializer(
            f"{prefix}EventYear",
            many=True,
            fields={
                "relative_year": serializers.IntegerField(help_text="-1 is the base year."),
                "year": serializers.IntegerField(),
                "effect": serializers.FloatField(allow_null=True),
                "ci_low": serializers.FloatField(allow_null=True),
                "ci_high": serializers.FloatField(allow_null=True),
                "treated": serializers.IntegerField(),
                "controls": serializers.IntegerField(),
            },
        ),
    }


IMPACT_RESPONSE = inline_serializer(
    "ImpactEvaluation",
    {
        "unit": serializers.CharField(),
        "unit_label": serializers.CharField(),
        "cohort": serializers.IntegerField(),
        "indicator": serializers.ChoiceField(choices=list(impact.INDICATORS)),
        "indicator_label": serializers.CharField(),
        "measure": serializers.ChoiceField(choices=["VND", "persons"]),
        "horizon": serializers.IntegerField(),
        "category": serializers.CharField(help_text="The kind of support asked; empty for any."),
        "method": serializers.CharField(),
        "min_treated": serializers.IntegerField(),
        "min_controls": serializers.IntegerField(),
        **_impact_fields("Impact"),
        "by_category": inline_serializer(
            "ImpactByCategory",
            many=True,
            fields={
                "category": serializers.CharField(),
                "name": serializers.CharField(),
                **_impact_fields("ImpactCategory"),
            },
        ),
    },
)


class ImpactView(APIView):
    """What the support given in the cohort year did to an establishment figure `horizon`
    years later, against comparable establishments not supported in the window
    (docs/impact.md): difference in differences from the year before support, matched on
    province, sector, kind and size, with a 95 % interval, the numbers compared, an event
    study (the years before support check parallel trends) and the same by activity
    content. Too few establishments give `verdict: too_few` and no estimate."""

    schema = AutoSchema()
    permission_classes = [WritingRole]

    @extend_schema(
        tags=["reports"],
        parameters=[
            UNIT_PARAMETER,
            OpenApiParameter("cohort", int, required=True, description="The year of support."),
            OpenApiParameter(
                "indicator",
                str,
                required=True,
                enum=list(impact.INDICATORS),
                description="The establishment figure.",
            ),
            OpenApiParameter(
                "horizon",
                int,
                description=f"Years after the cohort year (0–{impact.MAX_HORIZON}, "
                f"default {impact.DEFAULT_HORIZON}).",
            ),
            OpenApiParameter(
                "category",
                str,
                description="An activity content (`03`) or sub-type (`03-MAYMOC`); any when absent.",
            ),
        ],
        responses=IMPACT_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        cohort, indicator, horizon = impact.check_question(
            cohort=params.get("cohort"),
            indicator=params.get("indicator"),
            horizon=params.get("horizon"),
        )
        category = impact.check_category(params.get("category"))
        resolved = access.resolve_for(request.user, params.get("unit"))
        q = impact_report.question_for(
            resolved, cohort=cohort, indicator=indicator, horizon=horizon, category=category
        )
        return Response(impact_report.build(resolved, q))


# --- official report forms ---------------------------------------------------------------------

FORM_FILE_FORMATS = ("xlsx", "docx", "pdf")


def _form_columns() -> Any:
    return inline_serializer(
        "OfficialFormColumn",
        many=True,
        fields={
            "key": serializers.CharField(help_text="The key of the figure in each row."),
            "label": serializers.CharField(help_text="The heading as the form prints it."),
            "kind": serializers.ChoiceField(choices=["money", "count", "percent", "text"]),
            "group": serializers.CharField(help_text="A heading spanning neighbouring columns."),
        },
    )


OFFICIAL_FORM = inline_serializer(
    "OfficialForm",
    {
        "form": serializers.CharField(),
        "title": serializers.CharField(),
        "unit": serializers.CharField(),
        "unit_label": serializers.CharField(),
        "start": serializers.DateField(),
        "end": serializers.DateField(),
        "period_label": serializers.CharField(),
        "money_unit": serializers.CharField(
            help_text="How the form prints money; the figures are in đồng."
        ),
        "columns": _form_columns(),
        "rows": inline_serializer(
            "OfficialFormRow",
            many=True,
            fields={
                "no": serializers.CharField(),
                "code": serializers.CharField(
                    help_text="`training.vocational`, `01-NGHE`, `province.food`, a project "
                    "code, or `total`."
                ),
                "label": serializers.CharField(),
                "unit_label": serializers.CharField(),
                "level": serializers.IntegerField(),
                "note": serializers.CharField(),
                "kind": serializers.CharField(
                    help_text="`money` for a money row among counts, else empty."
                ),
                "national": serializers.FloatField(
                    required=False, allow_null=True, help_text="KCQG (results, funding)."
                ),
                "local": serializers.FloatField(
                    required=False, allow_null=True, help_text="KCĐP (results, funding)."
                ),
                "total": serializers.FloatField(required=False, allow_null=True),
            },
        ),
        "completeness": serializers.DictField(allow_null=True),
        "notes": serializers.ListField(child=serializers.CharField()),
    },
)


class FormListView(APIView):
    """The official periodic report forms a unit can be reported on."""

    schema = AutoSchema()
    permission_classes = [WritingRole]

    @extend_schema(
        tags=["reports"],
        responses=inline_serializer(
            "OfficialFormChoice",
            {"code": serializers.CharField(), "title": serializers.CharField()},
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        from khuyencong.reports.forms import FORMS

        return Response([{"code": code, "title": title} for code, title in FORMS.items()])


class FormView(APIView):
    """One official report form for a place and a period, computed from the records (and
    from aggregate values for the days before a province's records start). With
    `format=xlsx`, `docx` or `pdf` the form comes as an administrative document."""

    schema = AutoSchema()
    permission_classes = [WritingRole]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``format`` names a file this view writes itself; answer errors in JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        tags=["reports"],
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                enum=["results", "funding", "awards", "projects"],
            ),
            UNIT_PARAMETER,
            OpenApiParameter("year", int, description="A calendar year (1990–2100)."),
            OpenApiParameter("months", int, description="With `year`: the first N months (6, 9…)."),
            OpenApiParameter("quarter", int, description="With `year`: a quarter, 1–4."),
            OpenApiParameter(
                "start", OpenApiTypes.DATE, description="Without `year`: the first day."
            ),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Without `year`: the last day."),
            OpenApiParameter(
                "format",
                str,
                enum=list(FORM_FILE_FORMATS),
                description="A file instead of JSON: `xlsx`, `docx` or `pdf`.",
            ),
            OpenApiParameter(
                "number",
                int,
                description="With a file: the document's number (1–9999999), printed as "
                "`Số: 15/BC-SCT`; left blank for the clerk when absent.",
            ),
            OpenApiParameter(
                "issued_on",
                OpenApiTypes.DATE,
                description="With a file: the date of the document (not before the period "
                "begins); today when absent.",
            ),
        ],
        responses={
            (200, "application/json"): OFFICIAL_FORM,
            (200, XlsxRenderer.media_type): OpenApiTypes.BINARY,
            (200, DocxRenderer.media_type): OpenApiTypes.BINARY,
            (200, PdfRenderer.media_type): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request, code: str) -> Any:
        from khuyencong.reports.forms import FORMS, FormError, build_form, period_from

        params = request.query_params
        if code not in FORMS:
            raise FormError(
                _("No such form: choose %(forms)s.") % {"forms": ", ".join(FORMS)}, field="form"
            )
        fmt = params.get("format") or ""
        if fmt and fmt not in (*FORM_FILE_FORMATS, "json"):
            raise ValidationError({"format": [_("Choose json, xlsx, docx or pdf.")]})
        from khuyencong.reports.documents import file_options, form_file

        number, issued_on = file_options(params)
        resolved = access.resolve_for(request.user, params.get("unit"))
        form = build_form(code, resolved, period_from(params))
        if fmt in FORM_FILE_FORMATS:
            return form_file(form, fmt, number=number, issued_on=issued_on).response()
        return Response(form.as_json())


urlpatterns = [
    path("reports/forms/", FormListView.as_view(), name="api-report-forms"),
    path("reports/forms/<str:code>/", FormView.as_view(), name="api-report-form"),
    path("reports/summary/", SummaryView.as_view(), name="api-report-summary"),
    path("data-quality/", DataQualityView.as_view(), name="api-data-quality"),
    path("reports/impact/", ImpactView.as_view(), name="api-report-impact"),
]


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("aggregates", AggregateViewSet, basename="api-aggregate")
    router.register("report-indicators", ReportIndicatorViewSet, basename="api-report-indicator")
