"""Vietnamese first (DESIGN.md, Language)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.template import loader

logger = logging.getLogger(__name__)
# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30


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


def is_database_down(exc: BaseException) -> bool:
    """A connection problem (server down, restarting, unreachable), not a wrong query."""
    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database cannot be reached: JSON for the API, a plain Vietnamese page
    otherwise. Renders nothing that needs the database (no user, no session, no menu)."""
    from django.utils.translation import gettext as _

    message = _(
        "The system cannot reach its database right now. Your last action may not have been "
        "saved. Wait a minute and try again; if it goes on, tell the system administrator."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": message, "code": "database_unavailable"}, status=503
        )
    else:
        page = loader.get_template("core/503.html").render({"message": message})
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A view that loses the database answers 503 with a clear message instead of a 500.

    Errors outside views (another middleware touching the session, the user) reach
    ``core.views.server_error`` (handler500), which answers the same.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_down(exception):
            return None
        logger.error("Database unavailable on %s: %s", request.path, exception)
        return database_unavailable(request)


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (settings.PERMISSIONS_POLICY): no page needs the camera,
    the microphone or the position, so a script injected into one could not use them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class ApiDocsStylesMiddleware:
    """Lets the HTML pages under ``/api/`` (Swagger UI, Redoc, DRF's browsable API: third-party
    pages that set inline styles and, for Redoc, inject ``<style>`` elements) use inline
    styles. Scripts stay as strict as everywhere else. Place after ``CSPMiddleware``."""

    UPDATE = {"style-src": ["'unsafe-inline'"], "img-src": ["data:"], "worker-src": ["blob:"]}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") and "text/html" in response.get("Content-Type", ""):
            response._csp_update = self.UPDATE  # type: ignore[attr-defined]  # django-csp's per-response hook
        return response


class InUseMiddleware:
    """A page whose delete the database refuses because other records still use the record
    (``ProtectedError``/``RestrictedError``) answers 409 with a page naming what uses it,
    not a 500. The API answers the same with JSON (api/exceptions.py). Place near the end."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db.models import ProtectedError, RestrictedError
        from django.shortcuts import render
        from django.utils.http import url_has_allowed_host_and_scheme

        from khuyencong.core.errors import in_use_message

        if not isinstance(exception, ProtectedError | RestrictedError):
            return None
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = "/"
        return render(
            request,
            "core/in_use.html",
            {"message": in_use_message(exception), "back": back},
            status=409,
        )
