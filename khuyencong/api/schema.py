"""The OpenAPI schema documents the error answers every endpoint shares (API.md, Errors).

drf-spectacular documents only the success answer of an operation. This schema class adds,
from what the view declares, the answers a client must handle:

- ``400`` (``ValidationError``) for operations taking a body or query parameters;
- ``415`` (``Detail``) for operations taking a body, sent in a format they do not read;
- ``401`` where a token is required, ``403`` where a role may be refused (permission
  classes with ``documents_403``: for writes, or for every method with
  ``refuses_reads = True``);
- ``404`` (``Detail``) for paths naming an object, and for paginated lists (a page past the end);
- ``409`` (``Detail``) for the actions a view lists in ``conflicts``
  (``{"partial_update": "why"}``): stale edits and workflow steps not allowed now.

On the ``PUT`` and ``PATCH`` of a versioned record (``api.versioning``) the request body
requires ``version``, with an example.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS

from khuyencong.api.versioning import UPDATE_METHODS


class TokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <token>`` (accounts/tokens.py, django-rest-knox)."""

    target_class = "khuyencong.accounts.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }


DETAIL = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}},
}
# One field's messages: a message, a list of them, or — for a nested object or a list of
# objects — the same shape again by key or by position (``{"needs": [{}, {"cost": […]}]}``).
FIELD_ERRORS = {
    "oneOf": [
        {"type": "string"},
        {"type": "array", "items": {"$ref": "#/components/schemas/FieldErrors"}},
        {
            "type": "object",
            "additionalProperties": {"$ref": "#/components/schemas/FieldErrors"},
        },
    ]
}
VALIDATION_ERROR = {
    "description": (
        "Each invalid field with its messages, in the request's language (Vietnamese unless "
        "`Accept-Language` asks for English). `non_field_errors` for the object as a whole; "
        "`detail` (a string) when no field is to blame, e.g. a body that is not JSON. A body "
        "that is a list is answered with a list: the errors of each item in its place."
    ),
    "oneOf": [
        {
            "type": "object",
            "additionalProperties": {"$ref": "#/components/schemas/FieldErrors"},
        },
        {"type": "array", "items": {"$ref": "#/components/schemas/FieldErrors"}},
    ],
    "example": {"commune": ["Bạn không được đăng ký cơ sở ở xã này."]},
}


class AutoSchema(openapi.AutoSchema):
    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: Any,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        if method in UPDATE_METHODS and getattr(self.view, "requires_version", False):
            self._require_version(operation)
        responses = operation["responses"]
        for code, description, component in self._errors(operation):
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": self._component(component)}},
                },
            )
        return operation

    def _errors(self, operation: dict[str, Any]) -> list[tuple[str, str, str]]:
        errors = []
        parameters = operation.get("parameters", [])
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            errors.append(("400", "Invalid input (nothing was changed).", "ValidationError"))
        if "requestBody" in operation:
            errors.append(
                ("415", "The body is in a format this operation does not read.", "Detail")
            )
        if operation.get("security") and {} not in operation["security"]:
            errors.append(("401", "No token, or an invalid one.", "Detail"))
        if self._may_refuse_role():
            errors.append(("403", "The caller's role may not do this.", "Detail"))
        if any(p["in"] == "path" for p in parameters):
            errors.append(
                ("404", "No such object, or it lies outside the caller's places.", "Detail")
            )
        elif self._is_list_view() and self._get_paginator() is not None:
            errors.append(("404", "A page past the last one.", "Detail"))
        conflict = getattr(self.view, "conflicts", {}).get(getattr(self.view, "action", None))
        if conflict:
            errors.append(("409", conflict, "Detail"))
        return errors

    @staticmethod
    def _require_version(operation: dict[str, Any]) -> None:
        body = operation.get("requestBody")
        if not body:
            return
        body["required"] = True
        for media in body.get("content", {}).values():
            media["schema"] = {
                "allOf": [
                    media["schema"],
                    {
                        "type": "object",
                        "required": ["version"],
                        "properties": {
                            "version": {
                                "type": "integer",
                                "minimum": 1,
                                "description": (
                                    "Required: the `version` of the record as read. Without "
                                    "it the answer is 400; when someone saved the record "
                                    "since, 409 and nothing is changed."
                                ),
                                "example": 3,
                            }
                        },
                    },
                ]
            }

    def _get_response_for_code(
        self,
        serializer: Any,
        status_code: str,
        media_types: Any = None,
        direction: str = "response",
    ) -> dict[str, Any]:
        # A list action whose answer is declared as a raw schema (``list_response_as_declared``
        # on the view: the communes, a plain list or a page) is documented as declared, not
        # wrapped once more in an array and a page.
        if isinstance(serializer, dict) and getattr(self.view, "list_response_as_declared", False):
            return {
                "description": "",
                "content": {media: {"schema": serializer} for media in media_types or []},
            }
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _may_refuse_role(self) -> bool:
        for permission in self.view.get_permissions():
            if not getattr(permission, "documents_403", False):
                continue
            if self.method not in SAFE_METHODS or getattr(permission, "refuses_reads", False):
                return True
        return False

    def _component(self, name: str) -> dict[str, str]:
        schema = DETAIL if name == "Detail" else VALIDATION_ERROR
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        if name == "ValidationError":
            self.registry.register_on_missing(
                ResolvedComponent(
                    name="FieldErrors",
                    type=ResolvedComponent.SCHEMA,
                    schema=FIELD_ERRORS,
                    object="FieldErrors",
                )
            )
        return component.ref
