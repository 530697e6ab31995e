"""``/api/v1/users/``: accounts, for administrators only (API.md, Auth)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS

from khuyencong.accounts.models import User
from khuyencong.accounts.tokens import revoke_all
from khuyencong.api.parsers import PARSERS
from khuyencong.api.permissions import IsAdministrator
from khuyencong.api.schema import AutoSchema
from khuyencong.core.roles import PROVINCIAL_ROLES, Role
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
        instance: User | None = self.instance
        role = attrs.get("role", instance.role if instance else "")
        province = attrs.get("province", instance.province if instance else None)
        if instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": [_("A new user needs a password.")]})

        if (role in PROVINCIAL_ROLES or role == Role.COLLABORATOR) and province is None:
            raise serializers.ValidationError({"province": [_("This role needs a province.")]})

        if role == Role.COLLABORATOR:
            if "communes" in attrs:
                communes = attrs["communes"]
            else:
                communes = list(instance.communes.all()) if instance else []
            if not communes:
                raise serializers.ValidationError(
                    {"communes": [_("A collaborator needs at least one commune.")]}
                )
            outside = [c.code for c in communes if c.province_id != province.pk]
            if outside:
                raise serializers.ValidationError(
                    {
                        "communes": [
                            _("Commune %(code)s is not in province %(province)s.")
                            % {"code": code, "province": province.pk}
                            for code in outside
                        ]
                    }
                )
        elif attrs.get("communes"):
            raise serializers.ValidationError(
                {"communes": [_("Only commune collaborators are bound to communes.")]}
            )
        else:
            # A user leaving the collaborator role keeps no communes.
            attrs["communes"] = []

        if attrs.get("password"):
            probe = User(
                username=attrs.get("username", instance.username if instance else ""),
                first_name=attrs.get("first_name", instance.first_name if instance else ""),
                last_name=attrs.get("last_name", instance.last_name if instance else ""),
                email=attrs.get("email", instance.email if instance else ""),
            )
            try:
                validate_password(attrs["password"], user=probe)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs

    @transaction.atomic
    def create(self, validated_data: dict[str, Any]) -> User:
        communes = validated_data.pop("communes", [])
        password = validated_data.pop("password")
        user = User(**validated_data)
        user.set_password(password)
        user.save()
        user.communes.set(communes)
        return user

    @transaction.atomic
    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        communes = validated_data.pop("communes", None)
        password = validated_data.pop("password", None)
        for field, value in validated_data.items():
            setattr(instance, field, value)
        if password:
            instance.set_password(password)
        instance.save()
        if communes is not None:
            instance.communes.set(communes)
        if password or not instance.is_active:
            # A new password or a deactivation ends the sessions of scripts, too.
            revoke_all(
                instance, actor=self.context["request"].user, request=self.context["request"]
            )
        return instance


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
