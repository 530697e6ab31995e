"""The survey form (offline-capable) and a response's page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.core.errors import DomainError
from khuyencong.core.scoping import can_write
from khuyencong.surveys import access, services
from khuyencong.surveys.forms import (
    RESPONSE_FIELD,
    ResponseForm,
)
from khuyencong.surveys.pages.campaigns import campaign_of, writable_communes

# --- responses ---------------------------------------------------------------------------------


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The survey form's service worker, served under /surveys/ so that it may answer the
    form pages (a worker's scope is the folder it is served from)."""
    from django.contrib.staticfiles import finders

    path = finders.find("surveys/sw.js")
    if not isinstance(path, str):  # the static file ships with the app
        raise Http404
    with open(path, encoding="utf-8") as source:
        response = HttpResponse(source.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_http_methods(["GET", "POST"])
@login_required
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey form. With JavaScript it keeps the response on the device until the server
    has it (surveys/static/surveys/offline.js) and answers JSON; without, a plain form."""
    campaign = campaign_of(request, pk)
    communes = writable_communes(request.user, campaign)
    if not can_write(request.user) or not communes.exists():
        raise PermissionDenied
    form = ResponseForm(
        request.POST or None,
        campaign=campaign,
        communes=communes,
        initial={"client_key": uuid.uuid4().hex},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                response, created = services.submit_response(
                    actor=request.user, campaign=campaign, data=form.service_data()
                )
            except DomainError as exc:
                name = RESPONSE_FIELD.get(exc.field or "", exc.field)
                form.add_error(name if name in form.fields else None, exc.message)
            else:
                if _wants_json(request):
                    return JsonResponse(
                        {
                            "id": response.pk,
                            "created": created,
                            "establishment": response.establishment.name,
                            "url": reverse("surveys:response-detail", args=[response.pk]),
                        },
                        status=201 if created else 200,
                    )
                messages.success(
                    request,
                    _("The response of “%(name)s” was saved.")
                    % {"name": response.establishment.name},
                )
                return redirect("surveys:respond", campaign.pk)
        if _wants_json(request):
            return JsonResponse(
                {"errors": {k: [str(m) for m in v] for k, v in form.errors.items()}}, status=400
            )
    return render(
        request,
        "surveys/respond.html",
        {"campaign": campaign, "form": form, "offline_messages": _offline_messages()},
    )


def _offline_messages() -> dict[str, str]:
    return {
        "queued": _("Saved on this device. Sending…"),
        "waiting": _("%s response(s) kept on this device, waiting for the network."),
        "offline": _("No network: the response stays on this device and is sent automatically."),
        "sent": _("Received by the office: %s"),
        "login": _("Your session has ended: log in again in another tab; the responses stay here."),
        "retry": _("The server did not accept it now; it will be tried again."),
        "errors": _("The office returned this response for correction:"),
        "ready": _("This form is kept on this device: it opens and saves without a network."),
    }


@require_GET
@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = access.get_response(request.user, pk)
    needs = response.needs.select_related("category", "project").order_by("priority", "id")
    answers = [
        {"label": q["label"], "value": response.answers.get(q["key"])}
        for q in response.campaign.questions
        if q["key"] in response.answers
    ]
    return render(
        request,
        "surveys/response_detail.html",
        {"response": response, "needs": needs, "answers": answers},
    )
