"""Vietnamese first (DESIGN.md, Language)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException


class VietnameseFirstMiddleware:
    """Pages are Vietnamese unless the user picked English (the language cookie).

    Offices often run browsers set to English; their staff still expect Vietnamese pages.
    The API keeps honouring ``Accept-Language`` (API.md: messages in the request's
    language, Vietnamese by default). Place before ``LocaleMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """Answer 400 to a request carrying a NUL character anywhere (path, query, form, JSON).

    PostgreSQL cannot store or even compare text containing NUL and would answer with a
    database error (a 500); no legitimate input contains one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            from django.http import JsonResponse
            from django.utils.translation import gettext as _

            message = _("The request contains a NUL character, which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/"):
            return False  # uploaded files are binary; their text fields are checked by forms
        try:
            body = request.body
        except (RequestDataTooBig, RawPostDataException):
            return False  # Django refuses or has already read it; nothing for us to check
        if b"\x00" in body:
            return True
        if content_type.startswith("application/x-www-form-urlencoded"):
            return b"%00" in body
        return b"\\u0000" in body
