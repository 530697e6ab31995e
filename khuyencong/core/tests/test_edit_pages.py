"""core.pages.edit_page and confirm_delete: the edit page with optimistic locking and the
confirm-then-delete page every app's pages share (one copy each, issue 16)."""

from __future__ import annotations

from unittest import mock

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory

from khuyencong.core.errors import ConflictError, DomainError, StaleEditError
from khuyencong.core.forms import VersionField
from khuyencong.core.pages import confirm_delete, edit_page
from khuyencong.registry import services
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Establishment

TEMPLATE = "core/page.html"


class _Form(forms.Form):
    name = forms.CharField()
    version = VersionField()


def _request(method: str, user=None, data=None):
    request = getattr(RequestFactory(), method)("/", data or {})
    request.user = user
    request._messages = CookieStorage(request)
    return request


def _messages(request) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(request)]


def _edit(request, form, save, **options):
    """edit_page with its template rendered as a mock: (response, the context it got)."""
    page = HttpResponse("form page")
    with mock.patch("khuyencong.core.pages.render", return_value=page) as render:
        response = edit_page(
            request,
            form=form,
            save=save,
            saved="Saved.",
            done=lambda saved: redirect(f"/done/{saved}/"),
            template=TEMPLATE,
            context={"record": "R"},
            **options,
        )
    if response is page:
        assert render.call_args.args[1] == TEMPLATE
        return response, render.call_args.args[2]
    render.assert_not_called()
    return response, None


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_nothing_is_saved(
    officer_a, commune_a1, django_assert_num_queries
):
    establishment = EstablishmentFactory(name="Cơ sở cũ", commune=commune_a1)
    services.update_establishment(
        actor=officer_a,
        establishment=establishment,
        data={"name": "Cơ sở đã sửa"},
        expected_version=establishment.version,
    )  # someone saved after the form below was opened at version 1
    request = _request("post", officer_a, {"name": "Cơ sở mới", "version": "1"})
    form = _Form(request.POST)

    def save(version):
        return services.update_establishment(
            actor=officer_a,
            establishment=establishment,
            data={"name": form.cleaned_data["name"]},
            expected_version=version,
        )

    # The service's savepoint, the locked read of the row, the rollback and release: no write.
    with django_assert_num_queries(4):
        response, context = _edit(request, form, save)
    assert response.status_code == 200 and context == {"form": form, "record": "R"}
    assert Establishment.objects.get(pk=establishment.pk).name == "Cơ sở đã sửa"
    assert Establishment.objects.get(pk=establishment.pk).version == 2
    assert _messages(request) == [("error", str(StaleEditError().message))]

    # With stale_on_form, the same refusal stands at the top of the form instead.
    request = _request("post", officer_a, {"name": "Cơ sở mới", "version": "1"})
    form = _Form(request.POST)
    _edit(request, form, save, stale_on_form=True)
    assert form.non_field_errors() == [StaleEditError().message] and _messages(request) == []
    assert Establishment.objects.get(pk=establishment.pk).name == "Cơ sở đã sửa"


@pytest.mark.django_db
def test_the_current_version_is_saved_and_redirects_with_the_message(officer_a, commune_a1):
    establishment = EstablishmentFactory(name="Cơ sở cũ", commune=commune_a1)
    request = _request("post", officer_a, {"name": "Cơ sở mới", "version": "1"})
    form = _Form(request.POST)
    response, _context = _edit(
        request,
        form,
        lambda version: (
            services.update_establishment(
                actor=officer_a,
                establishment=establishment,
                data={"name": form.cleaned_data["name"]},
                expected_version=version,
            ).version
        ),
    )
    assert response.status_code == 302 and response.url == "/done/2/"
    assert Establishment.objects.get(pk=establishment.pk).name == "Cơ sở mới"
    assert _messages(request) == [("success", "Saved.")]


def test_a_domain_error_lands_on_the_field_it_names():
    def refuse(version):
        raise DomainError("Give another name.", field="name")

    request = _request("post", data={"name": "X", "version": "3"})
    form = _Form(request.POST)
    response, context = _edit(request, form, refuse)
    assert response.status_code == 200 and context["form"] is form
    assert form.errors == {"name": ["Give another name."]} and _messages(request) == []

    # An error naming no field of the form is on the form as a whole.
    def refuse_elsewhere(version):
        raise DomainError("Unknown commune.", field="commune")

    form = _Form(_request("post", data={"name": "X", "version": "3"}).POST)
    _edit(_request("post"), form, refuse_elsewhere)
    assert form.non_field_errors() == ["Unknown commune."]


def test_a_conflict_goes_back_with_its_message_when_asked():
    def refuse(version):
        raise ConflictError("Submitted meanwhile.")

    request = _request("post", data={"name": "X", "version": "3"})
    form = _Form(request.POST)
    response, _context = _edit(request, form, refuse, conflict_back="/record/")
    assert response.status_code == 302 and response.url == "/record/"
    assert form.errors == {} and _messages(request) == [("error", "Submitted meanwhile.")]
    # Without conflict_back, a conflict is an error of the form like any other.
    request = _request("post", data={"name": "X", "version": "3"})
    form = _Form(request.POST)
    response, context = _edit(request, form, refuse)
    assert context["form"] is form
    assert response.status_code == 200 and form.non_field_errors() == ["Submitted meanwhile."]


def test_on_error_puts_the_error_where_the_page_shows_it():
    def refuse(version):
        raise DomainError("Line 2 is wrong.", field="lines")

    request = _request("post", data={"name": "X", "version": "3"})
    form = _Form(request.POST)
    seen = []
    response, context = _edit(request, form, refuse, on_error=seen.append)
    assert response.status_code == 200 and context["form"] is form
    assert [error.message for error in seen] == ["Line 2 is wrong."] and form.errors == {}


def test_get_and_invalid_posts_only_show_the_form():
    save = mock.Mock()
    for request, data in ((_request("get"), None), (_request("post"), {"name": ""})):
        form = _Form(data)
        response, context = _edit(request, form, save)
        assert response.status_code == 200 and context == {"form": form, "record": "R"}
    # A formset beside the form must be valid as well.
    request = _request("post", data={"name": "X", "version": "3"})
    formset = forms.formset_factory(_Form)({})  # no management form: invalid
    _edit(request, _Form(request.POST), save, also_valid=[formset])
    save.assert_not_called()


def _confirm(request, delete, **options):
    page = HttpResponse("confirm page")

    def render(_request, template, context, status=200):
        page.status_code, page.context = status, context
        return page

    with mock.patch("khuyencong.core.pages.render", side_effect=render):
        return confirm_delete(
            request,
            delete=delete,
            deleted="Deleted.",
            done="/list/",
            back="/record/",
            template=TEMPLATE,
            context={"title": "Delete it?"},
            **options,
        )


def test_delete_on_get_does_nothing():
    delete = mock.Mock()
    request = _request("get")
    response = _confirm(request, delete)
    delete.assert_not_called()
    assert response.status_code == 200
    assert response.context == {"title": "Delete it?", "error": None}
    assert _messages(request) == []


def test_delete_on_post_deletes_and_goes_on_with_the_message():
    delete = mock.Mock()
    request = _request("post")
    response = _confirm(request, delete)
    delete.assert_called_once_with()
    assert response.status_code == 302 and response.url == "/list/"
    assert _messages(request) == [("success", "Deleted.")]


def test_a_refused_delete_goes_back_or_shows_the_conflict_with_409():
    in_use = mock.Mock(side_effect=ConflictError("Still used by 2 projects."))
    request = _request("post")
    response = _confirm(request, in_use, conflict_on_page=True)
    assert response.status_code == 409
    assert response.context["error"] == "Still used by 2 projects."
    assert _messages(request) == []

    for refusal in (ConflictError("Still used."), DomainError("Not yours.")):
        request = _request("post")
        response = _confirm(request, mock.Mock(side_effect=refusal))
        assert response.status_code == 302 and response.url == "/record/"
        assert _messages(request) == [("error", refusal.message)]
