"""``/api/v1/award-rounds/`` with their transitions and entries, ``/api/v1/award-entries/``
with their score sheets and complaints (API.md, Awards).

Reads go through the awards app's scoped entry points; every write calls its services and
workflow, so the API, the staff pages and the demo share one set of rules. Domain errors
become 400 (naming the field: points above a group's maximum are a 400 on ``points``) or
409 (a step not allowed now, a stale edit) in ``api.exceptions``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from khuyencong.api.fields import related_field
from khuyencong.api.params import YEAR_BOUNDS
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole
from khuyencong.api.schema import AutoSchema
from khuyencong.api.steps import TransitionsMixin
from khuyencong.api.versioning import VersionRequiredMixin
from khuyencong.awards import access, services
from khuyencong.awards.models import (
    AwardComplaint,
    AwardEntry,
    AwardRound,
    Level,
    ProductGroup,
    ScoreSheet,
)
from khuyencong.awards.workflow import ACTIONS
from khuyencong.places.models import Commune, LegacyDistrict, Province, Region
from khuyencong.registry.models import Establishment, Product

MAX_INT = 2_147_483_647


def _score(options: dict[str, Any]) -> serializers.DecimalField:
    """A score or pass mark as a JSON number with two decimals (70, 69.99)."""
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=False, **options
    )


# --- rounds -------------------------------------------------------------------------------


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=30, help_text="`market`, `economic`, `culture`, `other` or your own."
    )
    name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for a code other than the four standard ones.",
    )
    max_points = serializers.IntegerField(min_value=1, max_value=100)


class AwardRoundSerializer(serializers.ModelSerializer):
    province = serializers.PrimaryKeyRelatedField(
        queryset=Province.objects.all(),
        required=False,
        allow_null=True,
        help_text="2025 province code: district and province rounds only.",
    )
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text="Region code: region rounds only.",
    )
    legacy_district = serializers.PrimaryKeyRelatedField(
        queryset=LegacyDistrict.objects.all(),
        required=False,
        allow_null=True,
        help_text="Pre-2025 district code: district rounds only, optional.",
    )
    pass_mark = _score(
        {"required": False, "help_text": "Certified when the judges' average reaches it (70)."}
    )
    # ``max_length`` goes to the ListSerializer of ``many=True`` (the stubs do not know it).
    criteria = CriterionSerializer(  # type: ignore[call-arg]  # max_length
        many=True,
        required=False,
        max_length=20,
        help_text="Criteria groups out of 100; by default market 40, economic 40, culture 10, other 10.",
    )
    complaint_window_ends = serializers.SerializerMethodField()
    entry_count = serializers.IntegerField(read_only=True)
    certified_count = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text="Send the version you read with a PATCH: a stale edit is refused with 409.",
    )

    class Meta:
        model = AwardRound
        fields = [
            "id",
            "level",
            "year",
            "province",
            "region",
            "legacy_district",
            "title",
            "organiser",
            "decision",
            "status",
            "council_size",
            "pass_mark",
            "criteria",
            "complaint_days",
            "resolution_days",
            "closing_date",
            "complaint_window_ends",
            "closed_at",
            "entry_count",
            "certified_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "closed_at", "created_at", "updated_at"]
        # Uniqueness per level, place and year is the service's rule (a 400 on ``year``);
        # DRF's validators from the constraints would make the place fields required.
        validators: list[Any] = []
        extra_kwargs = {
            "year": {"min_value": 2000, "max_value": 2100},
            "council_size": {
                "min_value": 1,
                "max_value": 99,
                "help_text": "Odd: district 5–7, province 7–9, region 9–11, national 11–13.",
            },
            "complaint_days": {"required": False, "min_value": 1, "max_value": 90},
            "resolution_days": {"required": False, "min_value": 1, "max_value": 90},
        }

    @extend_schema_field(OpenApiTypes.DATE)
    def get_complaint_window_ends(self, round: AwardRound) -> Any:
        """Last day complaints are received (working days from the closing date), once closed."""
        window = services.complaint_window(round)
        return window[1] if window else None


class AwardRoundFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province_id")
    region = filters.CharFilter(field_name="region_id")

    class Meta:
        model = AwardRound
        fields = ["level", "year", "province", "region", "status"]


class RoundTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=services.MAX_TEXT, default=""
    )
    closing_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="For `close`: the date the results are issued (default: the planned closing date, or today).",
    )
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INT)


ROUND_DATA_FIELDS = (
    "level",
    "year",
    "province",
    "region",
    "legacy_district",
    "title",
    "organiser",
    "decision",
    "council_size",
    "pass_mark",
    "criteria",
    "complaint_days",
    "resolution_days",
    "closing_date",
)


def _round_data(validated: dict[str, Any]) -> dict[str, Any]:
    data = {name: validated[name] for name in ROUND_DATA_FIELDS if name in validated}
    if "criteria" in data:
        data["criteria"] = [dict(item) for item in data["criteria"]]
    return data


# --- entries ------------------------------------------------------------------------------


class AwardEntrySerializer(serializers.ModelSerializer):
    establishment = serializers.PrimaryKeyRelatedField(
        queryset=Establishment.objects.none(), help_text="Establishment id (in your scope)."
    )
    establishment_name = serializers.CharField(source="establishment.name", read_only=True)
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(),
        required=False,
        allow_null=True,
        help_text="A registered product of the establishment (optional).",
    )
    product_name = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Defaults to the registered product's name.",
    )
    group = serializers.ChoiceField(choices=ProductGroup.choices)
    level = serializers.CharField(source="round.level", read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)
    province: serializers.PrimaryKeyRelatedField[Province] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    commune: serializers.PrimaryKeyRelatedField[Commune] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    qualifying_certificate = serializers.CharField(
        source="qualifying_entry.certificate_number",
        read_only=True,
        default=None,
        help_text="The certificate of the level below that allowed the entry (region, national).",
    )
    average = _score({"read_only": True, "help_text": "Judges' average, after close."})

    class Meta:
        model = AwardEntry
        fields = [
            "id",
            "round",
            "level",
            "year",
            "establishment",
            "establishment_name",
            "product",
            "product_name",
            "group",
            "description",
            "province",
            "commune",
            "qualifying_certificate",
            "sheet_count",
            "average",
            "certified",
            "certificate_number",
            "issued_on",
            "valid_until",
            "created_at",
        ]
        validators: list[Any] = []  # the services check duplicates (400 on the field)
        read_only_fields = [
            "id",
            "round",
            "sheet_count",
            "certified",
            "certificate_number",
            "issued_on",
            "valid_until",
            "created_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "establishment" in self.fields:
            from khuyencong.registry.access import establishments_for

            related_field(self, "establishment").queryset = establishments_for(request.user)


def _entries(queryset: QuerySet[AwardEntry]) -> QuerySet[AwardEntry]:
    return queryset.select_related("round", "establishment", "qualifying_entry")


class AwardEntryFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province_id")
    level = filters.ChoiceFilter(field_name="round__level", choices=Level.choices)
    year = filters.NumberFilter(field_name="round__year", **YEAR_BOUNDS)

    class Meta:
        model = AwardEntry
        fields = [
            "round",
            "establishment",
            "product",
            "group",
            "certified",
            "province",
            "level",
            "year",
        ]


class ScoreSheetSerializer(serializers.ModelSerializer):
    judge = serializers.CharField(max_length=200, help_text="The judge's name.")
    points = serializers.DictField(
        child=serializers.JSONField(),
        help_text='Points per criteria group, e.g. `{"market": 35, "economic": 30.5, "culture": 8, "other": 7}`.',
    )
    total = _score({"read_only": True})

    class Meta:
        model = ScoreSheet
        fields = ["id", "entry", "judge", "points", "total", "created_at"]
        read_only_fields = ["id", "entry", "created_at"]

    def to_representation(self, sheet: ScoreSheet) -> dict[str, Any]:
        data = super().to_representation(sheet)
        data["points"] = {code: float(value) for code, value in sheet.points.items()}
        return data


class ComplaintSerializer(serializers.ModelSerializer):
    received_on = serializers.DateField(required=False, help_text="Default: today.")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = AwardComplaint
        fields = [
            "id",
            "entry",
            "complainant",
            "text",
            "received_on",
            "due_on",
            "status",
            "resolution",
            "resolved_on",
            "overdue",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "entry",
            "due_on",
            "status",
            "resolution",
            "resolved_on",
            "created_at",
        ]

    def get_overdue(self, complaint: AwardComplaint) -> bool:
        """Not resolved by its due date (or resolved after it)."""
        return complaint.overdue_on(services.today())


# --- viewsets -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="Award rounds the caller may see, newest year first."),
    create=extend_schema(
        description=(
            "Organise a round. District and province rounds need `province` (and are "
            "organised by that province's officers and managers), region rounds `region`, "
            "national rounds neither (administrators only)."
        )
    ),
    partial_update=extend_schema(
        description=(
            "Change a round: everything but its level and place while open; once scoring has "
            "begun the criteria, pass mark and council are fixed; a closed round is final (409)."
        )
    ),
    transitions=[
        extend_schema(
            methods=["POST"],
            request=RoundTransitionSerializer,
            responses=AwardRoundSerializer,
            description=(
                'Take a workflow step: `{"action": "start_scoring"|"reopen"|"close", "note", '
                '"closing_date"}`. `close` computes the results: each entry then shows '
                "`average`, `certified`, `certificate_number` and `valid_until`. A step not "
                "allowed from the round's status answers 409."
            ),
        ),
        extend_schema(
            methods=["GET"], responses=None, description="The round's steps, oldest first."
        ),
    ],
)
@extend_schema(tags=["awards"])
class AwardRoundViewSet(
    TransitionsMixin,
    VersionRequiredMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AwardRoundSerializer
    transition_serializer = RoundTransitionSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = AwardRoundFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    conflicts = {
        "partial_update": "The round is closed, or someone saved it after the `version` you sent.",
        "transitions": "The step is not allowed from the round's status, or the `version` is stale.",
        "entries": "The round is not open for entries, or the caller may not enter products in it.",
    }

    def get_queryset(self) -> QuerySet[AwardRound]:
        rounds = access.rounds_for(self.request.user)
        if self.action == "list" or self.action == "retrieve":
            rounds = access.with_counts(rounds, self.request.user)
        return rounds.order_by("-year", "level", "province_id", "id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round = services.create_round(
            actor=request.user, data=_round_data(serializer.validated_data)
        )
        return Response(self._read(round), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        round = self.get_object()
        if not access.may_manage(request.user, round):
            raise PermissionDenied(_("You may not change this round."))
        serializer = self.get_serializer(round, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.update_round(
            actor=request.user,
            round=round,
            data=_round_data(serializer.validated_data),
            expected_version=serializer.validated_data.get("version"),
        )
        return Response(self._read(updated))

    def check_step(self, request: Request, obj: AwardRound) -> None:
        if not access.may_manage(request.user, obj):
            raise PermissionDenied(_("You may not take the steps of this round."))

    def _read(self, round: AwardRound) -> dict[str, Any]:
        fresh = access.with_counts(AwardRound.objects.filter(pk=round.pk), self.request.user)
        return AwardRoundSerializer(fresh.get(), context=self.get_serializer_context()).data

    @extend_schema(
        methods=["GET"],
        responses=AwardEntrySerializer(many=True),
        description="The round's entries the caller may see.",
    )
    @extend_schema(
        methods=["POST"],
        request=AwardEntrySerializer,
        responses={201: AwardEntrySerializer},
        description=(
            "Enter a product while the round is open. A region round needs a valid province "
            "certificate of the same product, a national round a valid region one (400 on "
            "`product`); the same product twice is refused."
        ),
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def entries(self, request: Request, pk: str | None = None) -> Response:
        round = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = _entries(access.entries_for(request.user).filter(round=round)).order_by(
                "product_name", "id"
            )
            return Response(AwardEntrySerializer(rows, many=True, context=context).data)
        serializer = AwardEntrySerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        entry = services.create_entry(
            actor=request.user, round=round, data=dict(serializer.validated_data)
        )
        fresh = _entries(AwardEntry.objects.filter(pk=entry.pk)).get()
        return Response(
            AwardEntrySerializer(fresh, context=context).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    list=extend_schema(description="Award entries the caller may see, with their results."),
    destroy=extend_schema(description="Withdraw an entry while its round is open (else 409)."),
)
@extend_schema(tags=["awards"])
class AwardEntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AwardEntrySerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = AwardEntryFilter
    http_method_names = ["get", "post", "delete", "head", "options"]
    conflicts = {
        "destroy": "The round is no longer open, or the caller may not withdraw the entry.",
        "scores": "The round is not in scoring.",
        "complaints": "The round has not closed.",
    }

    def get_queryset(self) -> QuerySet[AwardEntry]:
        return _entries(access.entries_for(self.request.user)).order_by(
            "-round__year", "round_id", "product_name", "id"
        )

    def perform_destroy(self, instance: AwardEntry) -> None:
        services.withdraw_entry(actor=self.request.user, entry=instance)

    @extend_schema(
        methods=["GET"],
        responses=ScoreSheetSerializer(many=True),
        description="The entry's score sheets.",
    )
    @extend_schema(
        methods=["POST"],
        request=ScoreSheetSerializer,
        responses={201: ScoreSheetSerializer},
        description=(
            'Record one judge\'s sheet: `{"judge": "…", "points": {"market": 35, …}}`. Every '
            "criteria group of the round is required; points above a group's maximum, "
            "negative or missing are a 400 on `points` naming the group. One sheet per judge "
            "and entry, no more judges than the council has members; only while the round "
            "is in scoring (409)."
        ),
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def scores(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        if request.method == "GET":
            sheets = entry.sheets.order_by("judge_key", "id")
            return Response(ScoreSheetSerializer(sheets, many=True).data)
        serializer = ScoreSheetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sheet = services.record_score_sheet(
            actor=request.user,
            entry=entry,
            judge=serializer.validated_data["judge"],
            points=serializer.validated_data["points"],
        )
        return Response(ScoreSheetSerializer(sheet).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        responses=ComplaintSerializer(many=True),
        description="Complaints about the entry's result.",
    )
    @extend_schema(
        methods=["POST"],
        request=ComplaintSerializer,
        responses={201: ComplaintSerializer},
        description=(
            "Record a complaint received within the round's complaint window (working days "
            "from the closing date); after the window it is a 400 on `received_on`."
        ),
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def complaints(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        if request.method == "GET":
            rows = entry.complaints.order_by("received_on", "id")
            return Response(ComplaintSerializer(rows, many=True).data)
        serializer = ComplaintSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        complaint = services.record_complaint(
            actor=request.user,
            entry=entry,
            complainant=data["complainant"],
            text=data["text"],
            received_on=data.get("received_on"),
        )
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("award-rounds", AwardRoundViewSet, basename="api-award-round")
    router.register("award-entries", AwardEntryViewSet, basename="api-award-entry")
