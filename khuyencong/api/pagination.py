"""Pages of the API's lists (API.md, Errors: never a 500 for anything a client can send).

``?page=`` is a whole number from 1 to ``PAGE_MAX`` (or ``last``), ``?page_size=`` one from 1
to ``PAGE_SIZE_MAX`` (``PAGE_SIZE`` by default): anything else is a 400 naming the parameter,
before any query. A page past the last one is a 404, as in DRF. ``KeptPagination`` (the
establishments, as their staff list) keeps the count and the keys of a page under the data
versions where the query allows (``core.pages.VersionedPaginator``): the rows themselves are
always read anew.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings

from khuyencong.core.formats import format_number
from khuyencong.core.pages import VersionedPaginator

PAGE_MAX = 10_000_000
PAGE_SIZE_MAX = 500
DEFAULT_PAGE_SIZE = 50
_WHOLE = re.compile(r"[0-9]{1,12}")


def _bounded(request: Any, name: str, maximum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if _WHOLE.fullmatch(raw) is None or not 1 <= int(raw) <= maximum:
        raise ValidationError(
            {name: [_("Give a whole number from 1 to %(max)s.") % {"max": format_number(maximum)}]}
        )
    return int(raw)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = PAGE_SIZE_MAX

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return paginator.num_pages
        return _bounded(request, self.page_query_param, PAGE_MAX) or 1

    def get_page_size(self, request: Any) -> int:
        asked = _bounded(request, self.page_size_query_param, PAGE_SIZE_MAX)
        return asked or int(self.page_size or api_settings.PAGE_SIZE or DEFAULT_PAGE_SIZE)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}
                parameter["description"] = (
                    f"A page number from 1 to {PAGE_MAX} (400 otherwise; 404 past the last page)."
                )
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": PAGE_SIZE_MAX,
                    "default": api_settings.PAGE_SIZE,
                }
                parameter["description"] = (
                    f"Rows per page, from 1 to {PAGE_SIZE_MAX} (400 otherwise)."
                )
        return parameters


class KeptPagination(Pagination):
    """For lists whose count is dear (300,000 establishments): the count and the keys of a page
    kept under the data versions, as the staff list keeps them. One query more (the versions)
    for a small list, so not the default."""

    django_paginator_class = VersionedPaginator
