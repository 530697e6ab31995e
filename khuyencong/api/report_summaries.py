"""``/api/v1/reports/summary/``, ``/api/v1/data-quality/`` and ``/api/v1/reports/impact/``
(API.md, "Reports"), and the file renderers the report endpoints share.

Every place goes through ``reports.access.resolve_for``: a unit outside the caller's places
answers 404; a malformed unit or period 400 naming ``unit``, ``start`` or ``end``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from khuyencong.api.permissions import WritingRole
from khuyencong.api.replica import ReplicaReadView
from khuyencong.api.report_schema import SOURCES, indicator_fields, period_fields
from khuyencong.api.schema import AutoSchema
from khuyencong.core import dataversions
from khuyencong.reports import access, cache, exporting, impact, impact_report, quality, summary
from khuyencong.reports.periods import Period

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
            **indicator_fields(),
            "source": serializers.ChoiceField(choices=SOURCES),
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


class SummaryView(ReplicaReadView):
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
                    **period_fields(),
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
        with dataversions.pinned():
            built = cache.summary(
                resolved, period, lambda: summary.build(resolved, period), name="api"
            )
        return Response(built)


class DataQualityView(ReplicaReadView):
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


class ImpactView(ReplicaReadView):
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
