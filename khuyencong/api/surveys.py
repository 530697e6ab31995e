"""``/api/v1/survey-campaigns/``, ``/survey-responses/``, ``/needs/`` and the public
``/applications/`` (API.md, Field network).

Writes call surveys/services.py, so the phone form, the Kobo import, the API and the public
site share one set of rules. ``POST /applications/`` needs no token: it answers a tracking
code, and is limited per client address together with the public form.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from khuyencong.api.fields import related_field
from khuyencong.api.params import ID_BOUNDS, YEAR_BOUNDS
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import WritingRole
from khuyencong.api.schema import AutoSchema
from khuyencong.core.ratelimit import allow, client_address
from khuyencong.places.models import Commune
from khuyencong.programmes.models import ActivityCategory, FundingLevel
from khuyencong.registry.models import Establishment, Sector
from khuyencong.registry.services import MAX_WORKERS
from khuyencong.surveys import access, services, workflow
from khuyencong.surveys.models import Application, Need, Priority, SurveyCampaign, SurveyResponse

MAX_AMOUNT = services.MAX_AMOUNT


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=40)
    label = serializers.CharField(max_length=300)  # type: ignore[assignment]  # a field named like a Field attribute
    kind = serializers.ChoiceField(choices=services.QUESTION_KINDS, default="text")


class CampaignSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", queryset=Commune.objects.none())
    questions = QuestionSerializer(many=True, required=False)
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveyCampaign
        fields = [
            "id",
            "province",
            "year",
            "title",
            "opens_on",
            "closes_on",
            "questions",
            "version",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from khuyencong.places.models import Province

        related_field(self, "province").queryset = Province.objects.all()


@extend_schema(tags=["field network"])
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A province's needs survey of a year, with its extra questions."""

    serializer_class = CampaignSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[SurveyCampaign]:
        return access.campaigns_for(self.request.user).order_by("-year", "id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["questions"] = [dict(q) for q in data.get("questions", [])]
        campaign = services.create_campaign(actor=request.user, data=data)
        return Response(self.get_serializer(campaign).data, status=status.HTTP_201_CREATED)


class NeedSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ActivityCategory.objects.filter(active=True)
    )
    estimated_cost = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    counterpart_capacity = serializers.IntegerField(
        min_value=0, max_value=MAX_AMOUNT, required=False, default=0
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.MEDIUM)

    class Meta:
        model = Need
        fields = [
            "id",
            "category",
            "description",
            "estimated_cost",
            "counterpart_capacity",
            "priority",
            "project",
        ]
        read_only_fields = ["id", "project"]


class EstablishmentDetailsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Establishment.Kind.choices, required=False)
    tax_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    representative = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class ResponseSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=SurveyCampaign.objects.none())
    commune = serializers.SlugRelatedField(slug_field="code", queryset=Commune.objects.all())
    province = serializers.CharField(source="province_id", read_only=True)
    establishment = serializers.IntegerField(
        source="establishment_id", required=False, allow_null=True
    )
    establishment_details = EstablishmentDetailsSerializer(write_only=True, required=False)
    needs = NeedSerializer(many=True)
    previous_year_workers = serializers.IntegerField(
        required=False,
        allow_null=True,
        write_only=True,
        min_value=0,
        max_value=MAX_WORKERS,
        help_text="The establishment's workers in the year before the survey: recorded as its "
        "yearly figure of that year (source `survey`).",
    )
    previous_year_revenue = serializers.IntegerField(
        required=False,
        allow_null=True,
        write_only=True,
        min_value=0,
        max_value=MAX_AMOUNT,
        help_text="The establishment's revenue in đồng in the year before the survey: recorded "
        "as its yearly figure of that year (source `survey`).",
    )
    client_key = serializers.CharField(
        max_length=64,
        help_text="A key the client gives the response when it starts it; a response sent "
        "again with the same key is stored once (the answer is 200 instead of 201).",
    )

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "campaign",
            "province",
            "commune",
            "establishment",
            "establishment_details",
            "establishment_created",
            "respondent",
            "phone",
            "collected_on",
            "answers",
            "notes",
            "needs",
            "previous_year_workers",
            "previous_year_revenue",
            "source",
            "client_key",
        ]
        read_only_fields = ["id", "establishment_created", "source"]
        extra_kwargs = {"collected_on": {"required": False}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            related_field(self, "campaign").queryset = access.campaigns_for(request.user)

    def validate_answers(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Answers must be given by question key."))
        return value


class ResponseFilter(filters.FilterSet):
    campaign = filters.NumberFilter(field_name="campaign", **ID_BOUNDS)
    commune = filters.CharFilter(field_name="commune")
    establishment = filters.NumberFilter(field_name="establishment", **ID_BOUNDS)

    class Meta:
        model = SurveyResponse
        fields = ["campaign", "commune", "establishment"]


@extend_schema(tags=["field network"])
class ResponseViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Needs survey responses. An establishment is given by ``establishment`` (its id) or by
    ``establishment_details`` (matched by tax code or by name in the commune, else
    registered). ``POST`` answers 201, or 200 with the stored response when its
    ``client_key`` was already received."""

    serializer_class = ResponseSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = ResponseFilter

    def get_queryset(self) -> QuerySet[SurveyResponse]:
        return (
            access.responses_for(self.request.user)
            .select_related("commune")
            .prefetch_related("needs__category")
            .order_by("-collected_on", "-id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        details = dict(data.pop("establishment_details", {}) or {})
        if details.get("sector") is not None:
            details["sector"] = details["sector"].pk
        needs = [{**dict(n), "category": n["category"].pk} for n in data.pop("needs", [])]
        response, created = services.submit_response(
            actor=request.user,
            campaign=data["campaign"],
            data={
                **data,
                "establishment": data.pop("establishment_id", None),
                "establishment_details": details,
                "needs": needs,
            },
            source=SurveyResponse.Source.API,
        )
        return Response(
            self.get_serializer(response).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class NeedListSerializer(NeedSerializer):
    establishment = serializers.IntegerField(source="establishment_id", read_only=True)
    commune = serializers.CharField(source="commune_id", read_only=True)
    province = serializers.CharField(source="province_id", read_only=True)
    sector = serializers.CharField(source="sector_id", read_only=True)

    class Meta(NeedSerializer.Meta):
        fields = [
            *NeedSerializer.Meta.fields,
            "establishment",
            "commune",
            "province",
            "sector",
            "year",
            "response",
            "application",
        ]
        read_only_fields = fields


class NeedFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="year", **YEAR_BOUNDS)
    category = filters.CharFilter(field_name="category")
    commune = filters.CharFilter(field_name="commune")
    province = filters.CharFilter(field_name="province")
    open = filters.BooleanFilter(field_name="project", lookup_expr="isnull")

    class Meta:
        model = Need
        fields = ["year", "category", "commune", "province", "open"]


class ToProjectSerializer(serializers.Serializer):
    needs = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    funding_level = serializers.ChoiceField(choices=FundingLevel.choices)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)


@extend_schema(tags=["field network"])
class NeedViewSet(viewsets.ReadOnlyModelViewSet):
    """Needs from surveys and accepted applications; ``summary`` groups them and gives the
    share met; ``to-project`` turns needs of one category into one draft project."""

    serializer_class = NeedListSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [WritingRole]
    filterset_class = NeedFilter
    conflicts = {
        "to_project": "Only the provincial manager turns needs into projects, and only needs "
        "not yet in a project."
    }

    def get_queryset(self) -> QuerySet[Need]:
        return access.needs_for(self.request.user).select_related("category").order_by("id")

    @extend_schema(
        responses=inline_serializer(
            "NeedSummary",
            {
                "by": serializers.CharField(),
                "share": serializers.DictField(),
                "rows": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        by = request.query_params.get("by", "category")
        if by not in services.SUMMARY_GROUPS:
            return Response(
                {"by": [_("Group by commune, sector or category.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        needs = self.filter_queryset(access.needs_for(request.user))
        rows = services.needs_summary(needs, by)
        return Response({"by": by, "share": services.met_share(needs), "rows": rows})

    @extend_schema(
        request=ToProjectSerializer,
        responses={
            201: inline_serializer(
                "NeedsToProject",
                {"project": serializers.IntegerField(), "code": serializers.CharField()},
            )
        },
    )
    @action(detail=False, methods=["post"], url_path="to-project")
    def to_project(self, request: Request) -> Response:
        serializer = ToProjectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = services.needs_to_project(
            actor=request.user,
            need_ids=data["needs"],
            year=data["year"],
            funding_level=data["funding_level"],
            title=data.get("title", ""),
        )
        return Response({"project": project.pk, "code": project.code}, status=201)


class ApplicationSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id", read_only=True)
    commune = serializers.SlugRelatedField(slug_field="code", queryset=Commune.objects.all())
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ActivityCategory.objects.filter(active=True)
    )
    estimated_cost = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    counterpart_capacity = serializers.IntegerField(
        min_value=0, max_value=MAX_AMOUNT, required=False, default=0
    )
    tax_code = serializers.CharField(max_length=20, required=False, allow_blank=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_code",
            "status",
            "channel",
            "province",
            "commune",
            "establishment_name",
            "kind",
            "tax_code",
            "address",
            "sector",
            "representative",
            "phone",
            "email",
            "category",
            "description",
            "estimated_cost",
            "counterpart_capacity",
            "submitted_at",
            "establishment",
            "decision_note",
        ]
        read_only_fields = [
            "id",
            "tracking_code",
            "status",
            "channel",
            "submitted_at",
            "establishment",
            "decision_note",
        ]


class ApplicationReceiptSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_url = serializers.CharField()


class TriageSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["review", "accept", "reject"])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    establishment = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class ApplicationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Application.Status.choices)
    commune = filters.CharFilter(field_name="commune")

    class Meta:
        model = Application
        fields = ["status", "commune"]


@extend_schema(tags=["field network"])
class ApplicationViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The public online application. ``POST`` needs no token and answers the tracking code
    (limited per client address and hour); reading and triage are for the province's staff."""

    serializer_class = ApplicationSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    filterset_class = ApplicationFilter

    def get_permissions(self) -> list[Any]:
        if self.action in ("create", "track"):
            return [AllowAny()]
        return [WritingRole()]

    def get_authenticators(self) -> list[Any]:
        # A public POST must not need a CSRF token (session authentication would ask one).
        if (
            self.request is not None
            and self.request.method == "POST"
            and "triage" not in (self.request.path)
        ):
            # The project's token scheme (django-rest-knox); DRF's own TokenAuthentication
            # needs the authtoken table, which is not installed: a 500 on any token.
            from khuyencong.accounts.tokens import TokenAuthentication

            return [TokenAuthentication()]
        return super().get_authenticators()

    def get_queryset(self) -> QuerySet[Application]:
        return access.applications_for(self.request.user).order_by("-submitted_at")

    @extend_schema(
        auth=[],
        responses={
            201: ApplicationReceiptSerializer,
            429: OpenApiResponse(
                description="Too many applications from this address in the last hour "
                "(`Retry-After` says when to try again).",
                response=inline_serializer("Throttled", {"detail": serializers.CharField()}),
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not allow(
            f"apply:{client_address(request)}",
            limit=settings.APPLICATIONS_PER_HOUR,
            window=3600,
        ):
            raise Throttled(
                wait=3600,
                detail=str(_("Too many applications from this address in the last hour.")),
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.submit_application(
            data=dict(serializer.validated_data), channel=Application.Channel.API
        )
        return Response(_receipt(request, application), status=status.HTTP_201_CREATED)

    @extend_schema(auth=[], responses={200: ApplicationReceiptSerializer})
    @action(detail=False, methods=["get"], url_path=r"track/(?P<code>[A-Za-z0-9\-]{1,20})")
    def track(self, request: Request, code: str) -> Response:
        """The status of an application, by its tracking code (no token needed)."""
        application = services.find_application(code)
        if application is None:
            return Response({"detail": _("No application has this tracking code.")}, status=404)
        body = _receipt(request, application)
        body["decision_note"] = application.decision_note
        return Response(body)

    @extend_schema(request=TriageSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        serializer = TriageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not access.APPLICATIONS.may_change(request.user, application):
            raise PermissionDenied(_("You may not triage applications here."))
        application = workflow.triage_application(
            actor=request.user,
            application=application,
            decision=serializer.validated_data["decision"],
            note=serializer.validated_data.get("note", ""),
            establishment_id=serializer.validated_data.get("establishment"),
        )
        return Response(self.get_serializer(application).data)


def _receipt(request: Request, application: Application) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "tracking_code": application.tracking_code,
        "status": application.status,
        "status_url": request.build_absolute_uri(
            reverse("portal:status", args=[application.tracking_code])
        ),
    }
