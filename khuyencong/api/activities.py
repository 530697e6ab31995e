"""``/api/v1/trainings/``, ``fairs/`` (with ``fairs/{id}/participations/``), ``showrooms/``,
``brands/``, ``workshops/``, ``consulting-contracts/`` (with ``…/receipts/``) and
``communications/`` (API.md, Activities); ``trainings/{id}/trainees/`` keeps a course's list.

Reads go through ``activities.access.records_for`` (scoped: out of scope is 404); every
write calls the activities services, so the API, the staff pages and the demo share one set
of rules. Edits (PUT or PATCH) take the ``version`` read: a stale one is refused with 409.
Domain errors become 400 naming the field in ``api.exceptions``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from khuyencong.accounts.requests import user_of
from khuyencong.activities import access, services
from khuyencong.activities.models import (
    MAX_AMOUNT,
    MAX_COUNT,
    Activity,
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    ConsultingReceipt,
    Fair,
    FairParticipation,
    Showroom,
    StaffCount,
    Trainee,
    TrainingCourse,
    Workshop,
)
from khuyencong.api.params import ID_BOUNDS, YEAR_BOUNDS
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole, writes
from khuyencong.api.schema import AutoSchema
from khuyencong.api.versioning import VersionRequiredMixin
from khuyencong.core.querying import count_of
from khuyencong.core.scoping import is_admin
from khuyencong.core.text import normalise
from khuyencong.places.models import Commune, Province
from khuyencong.programmes.models import FundingLevel, Project
from khuyencong.registry.models import Establishment

MAX_INT = 2_147_483_647
COMMON = [
    "id",
    "province",
    "commune",
    "project",
    "funding_level",
    "notes",
    "version",
    "created_at",
    "updated_at",
]
STALE = "Someone saved the record after the `version` you sent."


def _establishment_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Establishment.objects.all(),
        help_text="Id of an establishment of the record's province.",
        **kwargs,
    )


class ActivitySerializer(serializers.ModelSerializer):
    """Fields every kind shares."""

    province = serializers.PrimaryKeyRelatedField(
        queryset=Province.objects.all(),
        required=False,
        help_text="2025 province code; a provincial user's own province when omitted. "
        "Fixed once created.",
    )
    commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(),
        required=False,
        allow_null=True,
        help_text="2025 commune code, of the province.",
    )
    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the project (đề án) that paid for it, of the same province.",
    )
    funding_level = serializers.ChoiceField(
        choices=FundingLevel.choices,
        required=False,
        allow_blank=True,
        help_text="`national` (KCQG) or `local` (KCĐP): the programme it counts under in the "
        "official forms. Required when there is no `project`; with a project, the project's "
        "`funding_level` counts and this stays empty.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text="Send the version you read with a PUT or PATCH: a stale edit is refused "
        "with 409.",
    )

    class Meta:
        read_only_fields = ["id", "created_at", "updated_at"]


class TrainingSerializer(ActivitySerializer):
    employed_percent = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="employed_after / participants in percent, one decimal; null when unknown.",
    )
    trainees_listed = serializers.IntegerField(read_only=True, source="trainee_count")

    class Meta(ActivitySerializer.Meta):
        model = TrainingCourse
        fields = [
            *COMMON[:1],
            "title",
            "topic",
            *COMMON[1:4],
            "start_date",
            "end_date",
            "place",
            "participants",
            "employed_after",
            "employed_percent",
            "trainees_listed",
            *COMMON[4:],
        ]
        extra_kwargs = {
            "participants": {"min_value": 0, "max_value": MAX_COUNT},
            "employed_after": {"min_value": 0, "max_value": MAX_COUNT},
        }


class FairSerializer(ActivitySerializer):
    participations = serializers.IntegerField(
        read_only=True, source="participation_count", help_text="Participation rows (lượt)."
    )

    class Meta(ActivitySerializer.Meta):
        model = Fair
        fields = [
            *COMMON[:1],
            "name",
            "level",
            *COMMON[1:4],
            "start_date",
            "end_date",
            "place",
            "country",
            "organised",
            "booths",
            "participations",
            *COMMON[4:],
        ]
        extra_kwargs = {
            "organised": {"help_text": "The province's centre organised it (results form)."},
            "booths": {"min_value": 0, "max_value": 100_000},
        }


class ShowroomSerializer(ActivitySerializer):
    establishment = _establishment_field()

    class Meta(ActivitySerializer.Meta):
        model = Showroom
        fields = [
            *COMMON[:1],
            "name",
            "establishment",
            *COMMON[1:4],
            "address",
            "opened_on",
            "cost",
            "supported_amount",
            *COMMON[4:],
        ]
        extra_kwargs = {
            "cost": {"min_value": 0, "max_value": MAX_AMOUNT, "help_text": "Đồng."},
            "supported_amount": {"min_value": 0, "max_value": MAX_AMOUNT, "help_text": "Đồng."},
        }


class BrandSerializer(ActivitySerializer):
    establishment = _establishment_field()

    class Meta(ActivitySerializer.Meta):
        model = BrandRegistration
        fields = [
            *COMMON[:1],
            "establishment",
            "mark_name",
            "kind",
            *COMMON[1:4],
            "application_number",
            "filed_on",
            "status",
            "certificate_number",
            "certificate_date",
            "supported_amount",
            *COMMON[4:],
        ]
        extra_kwargs = {
            "supported_amount": {"min_value": 0, "max_value": MAX_AMOUNT, "help_text": "Đồng."},
        }


class ConsultingSerializer(ActivitySerializer):
    client = serializers.CharField(
        source="client_name",
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="The client's name; that of `client_establishment` when left empty.",
    )
    client_establishment = _establishment_field(required=False, allow_null=True)

    class Meta(ActivitySerializer.Meta):
        model = ConsultingContract
        fields = [
            *COMMON[:1],
            "title",
            "client",
            "client_establishment",
            "service",
            *COMMON[1:4],
            "contract_number",
            "value",
            "signed_on",
            "completed_on",
            "status",
            *COMMON[4:],
        ]
        extra_kwargs = {"value": {"min_value": 0, "max_value": MAX_AMOUNT, "help_text": "Đồng."}}


class CommunicationSerializer(ActivitySerializer):
    class Meta(ActivitySerializer.Meta):
        model = CommunicationItem
        fields = [
            *COMMON[:1],
            "kind",
            "title",
            "date",
            *COMMON[1:4],
            "outlet",
            "topic",
            "reach",
            "quantity",
            "cost",
            *COMMON[4:],
        ]
        extra_kwargs = {"cost": {"min_value": 0, "max_value": MAX_AMOUNT, "help_text": "Đồng."}}


class WorkshopSerializer(ActivitySerializer):
    establishments = _establishment_field(many=True, required=False)

    class Meta(ActivitySerializer.Meta):
        model = Workshop
        fields = [
            *COMMON[:1],
            "title",
            "kind",
            "topic",
            "date",
            *COMMON[1:4],
            "place",
            "attendees",
            "establishments",
            *COMMON[4:],
        ]
        extra_kwargs = {"attendees": {"min_value": 0, "max_value": MAX_COUNT}}


class ParticipationSerializer(serializers.ModelSerializer):
    establishment = _establishment_field()

    class Meta:
        model = FairParticipation
        fields = [
            "id",
            "establishment",
            "supported_amount",
            "booths",
            "contracts_signed",
            "sales",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {
            "supported_amount": {"min_value": 0, "max_value": MAX_AMOUNT, "help_text": "Đồng."},
            "sales": {"min_value": 0, "max_value": MAX_AMOUNT, "help_text": "Đồng."},
            "booths": {"min_value": 0, "max_value": 1000},
            "contracts_signed": {"min_value": 0, "max_value": MAX_COUNT},
        }


class TraineeSerializer(serializers.ModelSerializer):
    establishment = _establishment_field(required=False, allow_null=True)

    class Meta:
        model = Trainee
        fields = ["id", "name", "gender", "birth_year", "establishment", "employed_after"]
        read_only_fields = ["id"]


class ReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsultingReceipt
        fields = ["id", "date", "amount", "reference"]
        read_only_fields = ["id"]
        extra_kwargs = {"amount": {"min_value": 1, "max_value": MAX_AMOUNT, "help_text": "Đồng."}}


# --- filters ------------------------------------------------------------------------------


class ActivityFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province_id", label="2025 province code")
    commune = filters.CharFilter(field_name="commune_id", label="2025 commune code")
    project = filters.NumberFilter(field_name="project_id", label="Project id", **ID_BOUNDS)
    year = filters.NumberFilter(
        method="filter_year", label="Year of the record's date", **YEAR_BOUNDS
    )
    q = filters.CharFilter(method="search", label="Name contains (diacritics ignored)")

    def filter_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(**{f"{queryset.model.PERIOD_FIELD}__year": int(value)})

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        term = normalise(value)
        return queryset.filter(search_text__contains=term) if term else queryset


def _filter(model: type[Activity], choices: tuple[str, ...]) -> type[ActivityFilter]:
    meta = type("Meta", (), {"model": model, "fields": list(choices)})
    return type(f"{model.__name__}Filter", (ActivityFilter,), {"Meta": meta})


# --- viewsets -----------------------------------------------------------------------------


class ActivityViewSet(
    VersionRequiredMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, record, read and edit one kind of activity."""

    model: type[Activity]
    related: tuple[str, ...] = ()
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    conflicts = {"update": STALE, "partial_update": STALE}

    def get_queryset(self) -> QuerySet[Any]:
        model = self.model
        return (
            access.records_for(self.request.user, model, write=writes(self.request))
            .select_related(*self.related)
            .order_by(f"-{model.PERIOD_FIELD}", "-id")
        )

    def _check_role(self) -> None:
        if not access.may_record_somewhere(self.request.user):
            raise PermissionDenied(_("Only provincial officers and managers record activities."))

    def _province(self, data: dict[str, Any]) -> Any:
        province = data.pop("province", None)
        if province is None:
            user = user_of(self.request)
            if is_admin(user) or user.province_id is None:
                raise serializers.ValidationError({"province": [_("This field is required.")]})
            return user.province_id
        return province

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._check_role()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        data["province"] = self._province(data)
        record = services.create_activity(actor=request.user, model=self.model, data=data)
        return Response(self._read(record), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._check_role()
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected_version = data.pop("version", None)
        updated = services.update_activity(
            actor=request.user, record=record, data=data, expected_version=expected_version
        )
        return Response(self._read(updated))

    def _read(self, record: Activity) -> dict[str, Any]:
        fresh = access.records_for(self.request.user, self.model).get(pk=record.pk)
        return self.get_serializer(self._decorate(fresh)).data

    def _decorate(self, record: Any) -> Any:
        """Figures a kind's serializer shows that the list annotates."""
        return record

    def _rows(
        self,
        request: Request,
        rows: QuerySet[Any],
        serializer_class: type[serializers.Serializer],
        add: Any,
    ) -> Response:
        """GET a record's rows, or POST one through ``add(validated_data)``."""
        if request.method == "GET":
            return Response(serializer_class(rows, many=True).data)
        self._check_role()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = add(dict(serializer.validated_data))
        return Response(serializer_class(created).data, status=status.HTTP_201_CREATED)


def _describe(kind: str) -> Any:
    return extend_schema_view(
        list=extend_schema(description=f"{kind} in the caller's scope, newest first."),
        create=extend_schema(
            description=f"Record one ({kind.lower()}). A province the caller may not write to "
            "is refused with 400 on `province`."
        ),
        update=extend_schema(description="Replace the record; send `version` (409 if stale)."),
        partial_update=extend_schema(
            description="Change some fields; send `version` to refuse a stale edit (409)."
        ),
    )


@_describe("Training courses")
@extend_schema(tags=["activities"])
class TrainingViewSet(ActivityViewSet):
    model = TrainingCourse
    serializer_class = TrainingSerializer
    filterset_class = _filter(TrainingCourse, ("topic",))

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().annotate(trainee_count=count_of(Trainee, "course"))

    def _decorate(self, record: Any) -> Any:
        record.trainee_count = record.trainees.count()
        return record

    @extend_schema(methods=["GET"], responses=TraineeSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=TraineeSerializer,
        responses={201: TraineeSerializer},
        description="Add a name to the list; the participants count grows with the list.",
    )
    @action(detail=True, methods=["get", "post"])
    def trainees(self, request: Request, pk: str | None = None) -> Response:
        course = self.get_object()
        return self._rows(
            request,
            course.trainees.order_by("id"),
            TraineeSerializer,
            lambda data: services.add_trainee(actor=request.user, course=course, data=data),
        )


@_describe("Trade fairs")
@extend_schema(tags=["activities"])
class FairViewSet(ActivityViewSet):
    model = Fair
    serializer_class = FairSerializer
    filterset_class = _filter(Fair, ("level",))

    def get_queryset(self) -> QuerySet[Any]:
        return (
            super().get_queryset().annotate(participation_count=count_of(FairParticipation, "fair"))
        )

    def _decorate(self, record: Any) -> Any:
        record.participation_count = record.participations.count()
        return record

    @extend_schema(methods=["GET"], responses=ParticipationSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ParticipationSerializer,
        responses={201: ParticipationSerializer},
        description="An establishment of the fair's province takes part (once per fair).",
    )
    @action(detail=True, methods=["get", "post"])
    def participations(self, request: Request, pk: str | None = None) -> Response:
        fair = self.get_object()

        def add(data: dict[str, Any]) -> FairParticipation:
            establishment = data.pop("establishment")
            return services.add_participation(
                actor=request.user, fair=fair, establishment=establishment, **data
            )

        return self._rows(request, fair.participations.order_by("id"), ParticipationSerializer, add)


@_describe("Showrooms")
@extend_schema(tags=["activities"])
class ShowroomViewSet(ActivityViewSet):
    model = Showroom
    serializer_class = ShowroomSerializer
    filterset_class = _filter(Showroom, ("establishment",))


@_describe("Brand registrations")
@extend_schema(tags=["activities"])
class BrandViewSet(ActivityViewSet):
    model = BrandRegistration
    serializer_class = BrandSerializer
    filterset_class = _filter(BrandRegistration, ("kind", "status", "establishment"))


@_describe("Consulting contracts")
@extend_schema(tags=["activities"])
class ConsultingViewSet(ActivityViewSet):
    model = ConsultingContract
    serializer_class = ConsultingSerializer
    filterset_class = _filter(ConsultingContract, ("service", "status"))

    @extend_schema(methods=["GET"], responses=ReceiptSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ReceiptSerializer,
        responses={201: ReceiptSerializer},
        description="Money received: within the contract's value, not before its signing.",
    )
    @action(detail=True, methods=["get", "post"])
    def receipts(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()
        return self._rows(
            request,
            contract.receipts.order_by("date", "id"),
            ReceiptSerializer,
            lambda data: services.add_receipt(actor=request.user, contract=contract, **data),
        )


@_describe("Communication items")
@extend_schema(tags=["activities"])
class CommunicationViewSet(ActivityViewSet):
    model = CommunicationItem
    serializer_class = CommunicationSerializer
    filterset_class = _filter(CommunicationItem, ("kind", "topic"))


@_describe("Workshops and conferences")
@extend_schema(tags=["activities"])
class WorkshopViewSet(ActivityViewSet):
    model = Workshop
    serializer_class = WorkshopSerializer
    filterset_class = _filter(Workshop, ("kind", "topic"))

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("establishments")


class StaffCountSerializer(serializers.ModelSerializer):
    province = serializers.PrimaryKeyRelatedField(
        queryset=Province.objects.all(),
        required=False,
        help_text="2025 province code; a provincial user's own province when omitted.",
    )

    class Meta:
        model = StaffCount
        fields = ["id", "province", "year", "staff", "note"]
        read_only_fields = ["id"]
        # One figure per province and year: a POST for a year that exists replaces it.
        validators: list[Any] = []
        extra_kwargs = {
            "year": {"min_value": 2000, "max_value": 2100},
            "staff": {"min_value": 0, "max_value": MAX_COUNT},
        }


@extend_schema_view(
    list=extend_schema(description="The khuyến công staff of each province by year."),
    create=extend_schema(
        description="Set a province's staff for a year; a year already recorded is replaced "
        "(its history kept)."
    ),
)
@extend_schema(tags=["activities"])
class StaffCountViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = StaffCountSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    pagination_class = None

    def get_queryset(self) -> QuerySet[StaffCount]:
        return access.staff_counts_for(self.request.user, write=writes(self.request)).order_by(
            "province_id", "-year"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not access.may_record_somewhere(request.user):
            raise PermissionDenied(_("Only provincial officers and managers record activities."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        province = data.pop("province", None)
        if province is None:
            user = user_of(request)
            if is_admin(user) or user.province_id is None:
                raise serializers.ValidationError({"province": [_("This field is required.")]})
            province = user.province_id
        record = services.record_staff_count(actor=request.user, province=province, **data)
        return Response(StaffCountSerializer(record).data, status=status.HTTP_201_CREATED)


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("trainings", TrainingViewSet, basename="api-training")
    router.register("fairs", FairViewSet, basename="api-fair")
    router.register("showrooms", ShowroomViewSet, basename="api-showroom")
    router.register("brands", BrandViewSet, basename="api-brand")
    router.register("consulting-contracts", ConsultingViewSet, basename="api-consulting")
    router.register("communications", CommunicationViewSet, basename="api-communication")
    router.register("workshops", WorkshopViewSet, basename="api-workshop")
    router.register("staff-counts", StaffCountViewSet, basename="api-staff-count")
