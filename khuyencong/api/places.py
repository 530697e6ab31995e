"""Places: 2025 provinces and communes, pre-2025 provinces, regions (API.md, Places).

Provinces, pre-2025 provinces and regions are short, bounded lists and are not paginated.
Communes (3,321) are paginated, except when filtered by province (at most a few hundred):
then the answer is the plain list a form's drop-down needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_filters
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import ReadAuthenticatedWriteAdministrator
from khuyencong.api.schema import AutoSchema
from khuyencong.core.text import normalise
from khuyencong.places.models import Commune, LegacyProvince, Province, Region


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name", "short_name", "kind"]


class LegacyProvinceSerializer(serializers.ModelSerializer):
    successor: serializers.PrimaryKeyRelatedField[Province] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="Code of the 2025 province it was merged into."
    )

    class Meta:
        model = LegacyProvince
        fields = ["code", "name", "short_name", "successor"]


class CommuneSerializer(serializers.ModelSerializer):
    province: serializers.PrimaryKeyRelatedField[Province] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="2025 province code."
    )

    class Meta:
        model = Commune
        fields = ["code", "name", "short_name", "kind", "province"]


class RegionSerializer(serializers.ModelSerializer):
    code = serializers.SlugField(
        max_length=16, help_text="Short code, e.g. NAM; cannot be changed after creation."
    )
    provinces = serializers.PrimaryKeyRelatedField(
        queryset=Province.objects.all(), many=True, help_text="2025 province codes."
    )

    class Meta:
        model = Region
        fields = ["code", "name", "provinces", "legal_basis"]

    def validate_code(self, value: str) -> str:
        if self.instance is not None:
            if value != self.instance.code:
                raise serializers.ValidationError(_("The code of a region cannot be changed."))
            return value
        if Region.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("A region with this code already exists."))
        return value

    @transaction.atomic
    def create(self, validated_data: dict[str, Any]) -> Region:
        return super().create(validated_data)

    @transaction.atomic
    def update(self, instance: Region, validated_data: dict[str, Any]) -> Region:
        return super().update(instance, validated_data)


def _search_names(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    """Search by name ignoring diacritics and case ("dak lak" finds "Đắk Lắk")."""
    term = normalise(value)
    return queryset.filter(search_name__contains=term) if term else queryset


class NameSearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method=_search_names, label=_("Search"), help_text="Name, diacritics and case ignored."
    )


class ProvinceFilter(NameSearchFilter):
    class Meta:
        model = Province
        fields = ["q", "kind"]


class LegacyProvinceFilter(NameSearchFilter):
    successor = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), help_text="2025 province code."
    )

    class Meta:
        model = LegacyProvince
        fields = ["q", "successor"]


class CommuneFilter(NameSearchFilter):
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), help_text="2025 province code."
    )

    class Meta:
        model = Commune
        fields = ["q", "province", "kind"]


@extend_schema(tags=["places"])
class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """The 34 provinces and centrally-run cities of the 2025 structure."""

    queryset = Province.objects.all()
    serializer_class = ProvinceSerializer
    schema = AutoSchema()
    filterset_class = ProvinceFilter
    pagination_class = None
    lookup_field = "code"


@extend_schema(tags=["places"])
class LegacyProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """The 63 provinces before 1 July 2025 and the 2025 province each was merged into."""

    queryset = LegacyProvince.objects.all()
    serializer_class = LegacyProvinceSerializer
    schema = AutoSchema()
    filterset_class = LegacyProvinceFilter
    pagination_class = None
    lookup_field = "code"


COMMUNE_PAGE_SCHEMA = {
    "type": "object",
    "required": ["count", "results"],
    "properties": {
        "count": {"type": "integer", "example": 3321},
        "next": {"type": "string", "format": "uri", "nullable": True},
        "previous": {"type": "string", "format": "uri", "nullable": True},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Commune"}},
    },
}


@extend_schema_view(
    list=extend_schema(
        description=(
            "Communes of the 2025 structure. Filtered by `province`, the answer is the plain "
            "list of that province's communes; otherwise it is paginated (`count`, `next`, "
            "`previous`, `results`)."
        ),
        responses={
            200: {
                "oneOf": [
                    {"type": "array", "items": {"$ref": "#/components/schemas/Commune"}},
                    COMMUNE_PAGE_SCHEMA,
                ]
            }
        },
    )
)
@extend_schema(tags=["places"])
class CommuneViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Commune.objects.all()
    serializer_class = CommuneSerializer
    schema = AutoSchema()
    filterset_class = CommuneFilter
    lookup_field = "code"
    list_response_as_declared = True

    def paginate_queryset(self, queryset: QuerySet[Any] | Sequence[Any]) -> Sequence[Any] | None:
        if self.request.query_params.get("province"):
            return None
        return super().paginate_queryset(queryset)


@extend_schema(tags=["places"])
class RegionViewSet(viewsets.ModelViewSet):
    """Khuyến công regions: named sets of provinces. Administrators change them."""

    queryset = Region.objects.prefetch_related("provinces")
    serializer_class = RegionSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [ReadAuthenticatedWriteAdministrator]
    pagination_class = None
    lookup_field = "code"
