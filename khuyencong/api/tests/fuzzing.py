"""Shared by test_fuzz_provincial.py and test_fuzz_national.py (two files, so that
``make test`` runs them on two workers). Schemathesis against the OpenAPI schema (docs/security.md, No 5xx): every operation of
/api/schema/ is called with inputs generated from the schema — valid ones and invalid ones —
through the Django WSGI application, with the token of a provincial officer and of a national
officer. No answer may be a 5xx, and every answer must match what the schema says of it.

Bounded so that it runs in `make test`: a few examples per operation (``FUZZ_EXAMPLES``),
derandomized (the same inputs on every run, so a failure is reproducible), no shrinking.
``FUZZ_EXAMPLES=50`` runs a deeper search by hand.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def _raw_schema() -> dict[str, Any]:
    """The schema /api/schema/ serves, built without a request (no database needed)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


RAW = _raw_schema()
APP = get_wsgi_application()


def schema_with(phases: dict) -> Any:
    loaded = schemathesis.openapi.from_dict(
        RAW, config=SchemathesisConfig.from_dict({"phases": phases})
    )
    loaded.app = APP
    return loaded


FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def headers(user: Any) -> dict[str, str]:
    _instance, secret = AuthToken.objects.create(user=user)
    return {"Authorization": f"Token {secret}", "Accept-Language": "vi"}


def call(case: Any, user: Any) -> None:
    case.call_and_validate(headers=headers(user), checks=CHECKS)
