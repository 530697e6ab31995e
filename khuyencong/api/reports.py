"""``/api/v1/aggregates/`` and ``/api/v1/report-indicators/`` (API.md, "Aggregate values"), and
the router and URL registration of every reports endpoint: the summary, data quality and
impact views are in ``api/report_summaries.py``, the official forms in ``api/report_forms.py``.

Reads go through the reports app's scoped entry points (``reports.access``); every write
calls its services, so the API, the staff pages and the import share one set of rules. A unit
outside the caller's places answers 404; a malformed unit or period 400 naming ``unit``,
``start`` or ``end``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from khuyencong.api.params import YEAR_BOUNDS
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole, writes
from khuyencong.api.report_forms import FormListView, FormView
from khuyencong.api.report_summaries import DataQualityView, ImpactView, SummaryView
from khuyencong.api.schema import AutoSchema
from khuyencong.api.versioning import VersionRequiredMixin
from khuyencong.reports import access, services
from khuyencong.reports.models import AggregateValue, Indicator, UnitKind

MAX_INT = 2_147_483_647
MAX_BATCH = 5_000


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
            access.aggregates_for(self.request.user, write=writes(self.request))
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
