"""Request body parsers: DRF's own, answering every malformed JSON body with 400.

DRF's ``JSONParser`` turns a ``ValueError`` into a 400 but lets the ``RecursionError`` of a
deeply nested body (``[[[[…]]]]`` a hundred thousand levels deep) through as a 500, and
its message is English whatever the request's language (API.md, Errors).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON body is nested too deeply.")) from exc
        except ParseError as exc:
            # DRF raised it while handling the decoder's ValueError, whose text says where.
            where = str(exc.__context__) if isinstance(exc.__context__, ValueError) else ""
            raise ParseError(
                _("The request body is not valid JSON: %(error)s") % {"error": where}
                if where
                else _("The request body is not valid JSON.")
            ) from exc


# The parsers of every API view that takes a body.
PARSERS = [JSONParser, parsers.FormParser, parsers.MultiPartParser]
