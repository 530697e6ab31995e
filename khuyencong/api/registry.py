"""``/api/v1/establishments/`` and ``/api/v1/sectors/`` (API.md, Registry).

Every write goes through ``registry.services`` so that the API, the staff pages and imports
share one set of rules; reads go through ``registry.access`` (the caller's scope). Out-of-scope establishments answer 404 exactly like missing ones.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from khuyencong.api.pagination import KeptPagination
from khuyencong.api.params import ID_BOUNDS, YEAR_BOUNDS
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole, writes
from khuyencong.api.schema import AutoSchema
from khuyencong.api.versioning import VersionRequiredMixin
from khuyencong.places.models import Commune, LegacyCommune, Province
from khuyencong.registry import services
from khuyencong.registry.access import establishments_for, figures_for
from khuyencong.registry.filters import EstablishmentFilter
from khuyencong.registry.models import Establishment, Sector, YearlyFigure

# The largest value a PostgreSQL integer holds: a bigger "version" is bad input, not a crash.
MAX_INT = 2_147_483_647
MAX_BIGINT = services.MAX_AMOUNT


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name", "name_en", "legal_basis", "condition"]


class EstablishmentSerializer(serializers.ModelSerializer):
    commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(), help_text="2025 commune code."
    )
    province: serializers.PrimaryKeyRelatedField[Province] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="2025 province code, derived from the commune."
    )
    sector = serializers.PrimaryKeyRelatedField(
        queryset=Sector.objects.all(), help_text="Khuyến công sector code (a–g, dd for đ)."
    )
    legacy_commune = serializers.PrimaryKeyRelatedField(
        queryset=LegacyCommune.objects.all(),
        allow_null=True,
        required=False,
        help_text="Pre-2025 commune code, when the record came from an old address.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text=(
            "Bumped by every saved change. Send the version you read with a PATCH: if someone "
            "saved in between, the change is refused with 409 and nothing is written."
        ),
    )

    allow_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=(
            "A likely duplicate (same tax code, or same name in the same commune) is refused "
            "with 400 on `name`; send true to register it anyway."
        ),
    )

    class Meta:
        model = Establishment
        fields = [
            "allow_duplicate",
            "id",
            "name",
            "kind",
            "commune",
            "province",
            "address",
            "tax_code",
            "sector",
            "status",
            "registration_number",
            "representative",
            "phone",
            "email",
            "vsic_code",
            "founded_year",
            "legacy_address",
            "legacy_commune",
            "craft_village",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        village = attrs.get("craft_village")
        commune = attrs.get("commune") or (self.instance and self.instance.commune)
        if (
            village is not None
            and commune is not None
            and village.province_id != commune.province_id
        ):
            raise serializers.ValidationError(
                {"craft_village": [_("This craft village lies in another province.")]}
            )
        return attrs


class YearlyFigureSerializer(serializers.ModelSerializer):
    """One year's figures of an establishment (API.md, Registry). Money in đồng."""

    establishment: serializers.PrimaryKeyRelatedField[Establishment] = (
        serializers.PrimaryKeyRelatedField(read_only=True)
    )
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    workers = serializers.IntegerField(
        min_value=0, max_value=MAX_INT, allow_null=True, required=False
    )
    revenue = serializers.IntegerField(
        min_value=0, max_value=MAX_BIGINT, allow_null=True, required=False
    )
    output_value = serializers.IntegerField(
        min_value=0, max_value=MAX_BIGINT, allow_null=True, required=False
    )
    capital = serializers.IntegerField(
        min_value=0, max_value=MAX_BIGINT, allow_null=True, required=False
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named like a Field attribute
        choices=YearlyFigure.Source.choices,
        default=YearlyFigure.Source.DECLARED,
        help_text="Where the figures come from.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text=(
            "Bumped by every saved change. Send the version you read: if the year was "
            "recorded again in between, the change is refused with 409."
        ),
    )

    class Meta:
        model = YearlyFigure
        fields = [
            "establishment",
            "year",
            "workers",
            "revenue",
            "output_value",
            "capital",
            "source",
            "version",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class FigureHistorySerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    change = serializers.CharField()
    user = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute
    workers = serializers.IntegerField(allow_null=True)
    revenue = serializers.IntegerField(allow_null=True)
    output_value = serializers.IntegerField(allow_null=True)
    capital = serializers.IntegerField(allow_null=True)


class FigureFilter(django_filters.FilterSet):
    province = django_filters.ModelChoiceFilter(
        field_name="establishment__province",
        queryset=Province.objects.all(),
        to_field_name="code",
        label=_("Province"),
    )
    year = django_filters.NumberFilter(label=_("Year"), **YEAR_BOUNDS)
    source = django_filters.ChoiceFilter(choices=YearlyFigure.Source.choices, label=_("Source"))
    establishment = django_filters.NumberFilter(field_name="establishment_id", **ID_BOUNDS)

    class Meta:
        model = YearlyFigure
        fields = ["province", "year", "source", "establishment"]


@extend_schema_view(
    list=extend_schema(description="Establishments in the caller's scope, by name."),
    create=extend_schema(
        description=(
            "Register an establishment. The province follows from the commune; a commune "
            "the caller may not write to is refused with 400 on `commune`."
        )
    ),
    partial_update=extend_schema(
        description="Change some fields; send `version` to refuse a stale edit (409)."
    ),
)
@extend_schema(tags=["registry"])
class EstablishmentViewSet(
    VersionRequiredMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EstablishmentSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    pagination_class = KeptPagination
    filterset_class = EstablishmentFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # The 409 answers, documented by api.schema.
    conflicts = {
        "partial_update": "Someone saved the establishment after the `version` you sent.",
        "destroy": "Other records refer to the establishment; set its status to ceased instead.",
    }

    def get_queryset(self) -> QuerySet[Establishment]:
        write = writes(self.request)
        return establishments_for(self.request.user, write=write)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        allow_duplicate = data.pop("allow_duplicate", False)
        serializer.instance = services.create_establishment(
            actor=self.request.user, data=data, allow_duplicate=allow_duplicate
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        establishment = self.get_object()
        serializer = self.get_serializer(establishment, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected_version = data.pop("version", None)
        data.pop("allow_duplicate", None)  # only meaningful when creating
        updated = services.update_establishment(
            actor=request.user,
            establishment=establishment,
            data=data,
            expected_version=expected_version,
        )
        return Response(self.get_serializer(updated).data)

    def perform_destroy(self, instance: Establishment) -> None:
        services.delete_establishment(actor=self.request.user, establishment=instance)

    @extend_schema(
        methods=["GET"],
        responses=YearlyFigureSerializer(many=True),
        description="The establishment's yearly figures, newest year first.",
    )
    @extend_schema(
        methods=["POST"],
        request=YearlyFigureSerializer,
        responses=YearlyFigureSerializer,
        description=(
            "Record one year's figures. A year already recorded is replaced (201 when new, "
            "200 when replaced); its earlier values stay in its history. Send `version` to "
            "refuse replacing figures someone recorded after you read them (409)."
        ),
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def figures(self, request: Request, pk: str | None = None) -> Response:
        establishment = self.get_object()
        if request.method == "GET":
            rows = establishment.yearly_figures.order_by("-year")
            return Response(YearlyFigureSerializer(rows, many=True).data)
        serializer = YearlyFigureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        figure, created = services.record_yearly_figure(
            actor=request.user,
            establishment=establishment,
            data=data,
            source=data.pop("source"),
            expected_version=data.pop("version", None),
        )
        return Response(
            YearlyFigureSerializer(figure).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        methods=["GET"],
        responses=YearlyFigureSerializer,
        description="One year's figures with `history`: every recorded state, newest first.",
    )
    @extend_schema(
        methods=["PATCH"],
        request=YearlyFigureSerializer,
        responses=YearlyFigureSerializer,
        description="Change some figures of the year; send `version` to refuse a stale edit.",
    )
    @extend_schema(methods=["DELETE"], description="Remove the year's figures (history kept).")
    @action(
        detail=True,
        methods=["get", "patch", "delete"],
        url_path=r"figures/(?P<year>[0-9]{1,4})",
        filter_backends=[],
        pagination_class=None,
    )
    def figure(self, request: Request, pk: str | None = None, year: str = "") -> Response:
        establishment = self.get_object()
        figure = establishment.yearly_figures.filter(year=int(year)).first()
        if figure is None:
            raise Http404
        if request.method == "GET":
            data = dict(YearlyFigureSerializer(figure).data)
            data["history"] = FigureHistorySerializer(
                services.figure_history(figure), many=True
            ).data
            return Response(data)
        if request.method == "DELETE":
            services.delete_yearly_figure(actor=request.user, figure=figure)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = YearlyFigureSerializer(figure, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.get("year", figure.year) != figure.year:
            raise serializers.ValidationError(
                {"year": [_("The year is part of the address; record another year with POST.")]}
            )
        merged = {
            "year": figure.year,
            **{name: getattr(figure, name) for name in services.FIGURE_FIELDS},
            **{k: v for k, v in data.items() if k in services.FIGURE_FIELDS},
        }
        updated, _created = services.record_yearly_figure(
            actor=request.user,
            establishment=establishment,
            data=merged,
            source=data.get("source", figure.source),
            expected_version=data.get("version"),
        )
        return Response(YearlyFigureSerializer(updated).data)


@extend_schema_view(
    list=extend_schema(
        description=(
            "Yearly figures of the establishments in the caller's scope; filter by "
            "`province`, `year`, `source`, `establishment`."
        )
    )
)
@extend_schema(tags=["registry"])
class YearlyFigureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = YearlyFigureSerializer
    schema = AutoSchema()
    filterset_class = FigureFilter

    def get_queryset(self) -> QuerySet[YearlyFigure]:
        return figures_for(self.request.user).order_by("-year", "establishment_id")


@extend_schema(tags=["registry"])
class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    """The khuyến công sectors an establishment belongs to (Decree 45/2012 Art. 5)."""

    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
    schema = AutoSchema()
    pagination_class = None
    filter_backends: list[Any] = []
    lookup_field = "code"
