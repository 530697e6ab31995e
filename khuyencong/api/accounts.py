"""``/api/v1/users/``: accounts, for administrators only (API.md, Auth)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS

from khuyencong.accounts import services
from khuyencong.accounts.models import User
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import IsAdministrator
from khuyencong.api.schema import AutoSchema
from khuyencong.core.roles import Role
from khuyencong.places.models import Commune, Province


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        max_length=128,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Required when creating; checked by the password rules.",
    )
    role = serializers.ChoiceField(choices=Role.choices)
    province = serializers.PrimaryKeyRelatedField(
        queryset=Province.objects.all(),
        allow_null=True,
        required=False,
        help_text="2025 province code; required for provincial roles and collaborators.",
    )
    communes = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(),
        many=True,
        required=False,
        help_text="Commune codes of a collaborator, all in their province.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "role",
            "province",
            "communes",
            "first_name",
            "last_name",
            "email",
            "phone",
            "is_active",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Refuse before anything is saved, with the account services' own rules."""
        instance: User | None = self.instance
        role = attrs.get("role", instance.role if instance else "")
        province = attrs.get("province", instance.province if instance else None)
        if instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": [_("A new user needs a password.")]})
        if "communes" in attrs:
            communes = attrs["communes"]
        elif role == Role.COLLABORATOR and instance is not None:
            communes = list(instance.communes.all())
        else:
            communes = []
        try:
            services.check_places(role, province, communes)
            if attrs.get("password"):
                probe = User(
                    username=attrs.get("username", instance.username if instance else ""),
                    first_name=attrs.get("first_name", instance.first_name if instance else ""),
                    last_name=attrs.get("last_name", instance.last_name if instance else ""),
                    email=attrs.get("email", instance.email if instance else ""),
                )
                services.check_password(attrs["password"], probe)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        communes = validated_data.pop("communes", [])
        password = validated_data.pop("password")
        request = self.context["request"]
        return services.create_user(
            actor=request.user,
            user=User(**validated_data),
            password=password,
            communes=communes,
            request=request,
        )

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        request = self.context["request"]
        return services.update_user(
            actor=request.user, user=instance, data=validated_data, request=request
        )


@extend_schema_view(
    list=extend_schema(description="Accounts (administrators only)."),
    create=extend_schema(description="Create an account; it can then get a token."),
)
@extend_schema(tags=["users"])
class UserViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = UserSerializer
    parser_classes = PARSERS
    schema = AutoSchema()
    permission_classes = [IsAdministrator]
    filterset_fields = ["role", "province", "is_active"]

    def get_queryset(self) -> QuerySet[User]:
        queryset = User.objects.prefetch_related("communes").order_by("username")
        if self.request.method not in SAFE_METHODS and not self.request.user.is_superuser:
            # An administrator by role must not take over a superuser (e.g. by its password).
            queryset = queryset.exclude(is_superuser=True)
        return queryset
