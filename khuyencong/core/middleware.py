"""Vietnamese first (DESIGN.md, Language)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
