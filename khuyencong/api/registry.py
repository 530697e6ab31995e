"""``/api/v1/establishments/`` and ``/api/v1/sectors/`` (API.md, Registry).

Every write goes through ``registry.services`` so that the API, the staff pages and imports
share one set of rules; reads go through ``services.establishments_for`` (the caller's
scope). Out-of-scope establishments answer 404 exactly like missing ones.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole
from khuyencong.api.schema import AutoSchema
from khuyencong.places.models import Commune, LegacyCommune
from khuyencong.registry import services
from khuyencong.registry.filters import EstablishmentFilter
from khuyencong.registry.models import Establishment, Sector

# The largest value a PostgreSQL integer holds: a bigger "version" is bad input, not a crash.
MAX_INT = 2_147_483_647


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name", "name_en", "legal_basis", "condition"]


class EstablishmentSerializer(serializers.ModelSerializer):
    commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(), help_text="2025 commune code."
    )
    province = serializers.PrimaryKeyRelatedField(
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
    filterset_class = EstablishmentFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # The 409 answers, documented by api.schema.
    conflicts = {
        "partial_update": "Someone saved the establishment after the `version` you sent.",
        "destroy": "Other records refer to the establishment; set its status to ceased instead.",
    }

    def get_queryset(self) -> QuerySet[Establishment]:
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return services.establishments_for(self.request.user, write=write)

    def perform_create(self, serializer: EstablishmentSerializer) -> None:
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


@extend_schema(tags=["registry"])
class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    """The khuyến công sectors an establishment belongs to (Decree 45/2012 Art. 5)."""

    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
    schema = AutoSchema()
    pagination_class = None
    filter_backends: list[Any] = []
    lookup_field = "code"
