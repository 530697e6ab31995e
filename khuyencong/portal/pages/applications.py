"""The public site: an establishment asks for support without an account, gets a tracking
code and follows its application. A surface: the rules are surveys/services.py's."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.core.errors import DomainError
from khuyencong.core.pages import field_error
from khuyencong.core.ratelimit import allow, client_address
from khuyencong.places.models import Commune
from khuyencong.surveys import services
from khuyencong.surveys.forms import ApplicationForm
from khuyencong.surveys.models import Need

# A public form is a few kilobytes; anything much larger is not a person typing.
MAX_FORM_BYTES = 64 * 1024


def application_allowed(request: HttpRequest) -> bool:
    """One count per client address and hour, shared with POST /api/v1/applications/."""
    return allow(
        f"apply:{client_address(request)}", limit=settings.APPLICATIONS_PER_HOUR, window=3600
    )


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and _content_length(request) > MAX_FORM_BYTES:
        return render(
            request,
            "portal/refused.html",
            {"message": _("The form is too large. Shorten the description and send it again.")},
            status=413,
        )
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            # A robot filled the hidden field: answer as if received, store nothing.
            return redirect("portal:apply")
        if not application_allowed(request):
            return render(
                request,
                "portal/refused.html",
                {
                    "message": _(
                        "Too many applications were sent from this connection in the last hour. "
                        "Please try again later or call the khuyến công centre."
                    )
                },
                status=429,
            )
        try:
            application = services.submit_application(data=form.cleaned_data, channel="web")
        except DomainError as exc:
            field_error(form, exc)
        else:
            request.session["last_application"] = application.tracking_code
            return redirect("portal:application-sent", application.tracking_code)
    return render(request, "portal/apply.html", {"form": form})


def _content_length(request: HttpRequest) -> int:
    value = request.META.get("CONTENT_LENGTH") or "0"
    return int(value) if value.isdigit() else 0


@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """The commune options of a province (the form loads them when a province is chosen)."""
    province = request.GET.get("province", "")[:8]
    options = (
        Commune.objects.filter(province_id=province).order_by("name").values_list("code", "name")
    )
    return render(request, "portal/commune_options.html", {"options": options})


@require_GET
def application_sent(request: HttpRequest, code: str) -> HttpResponse:
    application = services.find_application(code)
    if application is None or request.session.get("last_application") != application.tracking_code:
        return redirect("portal:status-lookup")
    return render(request, "portal/sent.html", {"application": application})


@require_GET
def status_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    error = ""
    if code:
        application = services.find_application(code)
        if application is not None:
            return redirect("portal:status", application.tracking_code)
        error = _("No application has this tracking code. Check it and try again.")
    return render(request, "portal/status_lookup.html", {"code": code[:40], "error": error})


@require_GET
def status(request: HttpRequest, code: str) -> HttpResponse:
    application = services.find_application(code)
    if application is None:
        return render(
            request,
            "portal/status_lookup.html",
            {"code": code[:40], "error": _("No application has this tracking code.")},
            status=404,
        )
    need = Need.objects.filter(application=application).select_related("project").first()
    return render(request, "portal/status.html", {"application": application, "need": need})
