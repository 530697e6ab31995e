"""Page helpers shared by the apps' staff pages (DESIGN.md, "One kernel per concern").

``transition_page`` is the one confirm-then-act page of every workflow (STYLE.md 8,
pretix ``OrderApprove``): GET shows the step, its help and its form; POST takes the step
through the workflow kernel and goes back to the record with a message.

``list_page`` is the list of a page: the rows the user may see, narrowed by a django-filter
``FilterSet`` read from the query string (an invalid filter lists nothing), in a fixed
order, one page of at most ``page_size`` rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from khuyencong.core.errors import DomainError, StaleEditError
from khuyencong.core.workflow import Step, Workflow

M = TypeVar("M", bound=Model)

#: Rows on one page of a list, unless the page says otherwise.
PAGE_SIZE = 25

# An app's own handling of a refusal (e.g. rules a manager may override): True when handled.
ErrorHook = Callable[[forms.Form, DomainError, dict[str, Any]], bool]


def step_data(form: forms.Form, step: Step) -> dict[str, Any]:
    """The data a step takes from its confirm form: the fields named like ``step.params``,
    then whatever the form's own ``step_params()`` builds (amounts by code…)."""
    data = {name: form.cleaned_data[name] for name in step.params if name in form.cleaned_data}
    build = getattr(form, "step_params", None)
    if build is not None:
        data.update(build())
    return data


def transition_page(
    request: HttpRequest,
    *,
    workflow: Workflow[Any],
    obj: Model,
    action: str,
    make_form: Callable[[QueryDict | None], forms.Form],
    back: str,
    template: str | None = None,
    context: dict[str, Any] | None = None,
    on_error: ErrorHook | None = None,
    success_message: str | None = None,
    on_record_page: bool = False,
) -> HttpResponse:
    """The confirm page of ``action`` on ``obj`` (fetched by the caller for writing; 404
    otherwise). A step that is not open to the user now goes back to ``back`` with a
    message (``Workflow.not_open``); a refusal with a field shows on the form, a conflict
    goes back with a message. The form has ``note`` and a hidden ``version`` (optimistic
    locking) when it needs them; ``success_message`` replaces "Done: <step>".

    ``on_record_page``: the step's form sits on the record's page (``back``) and has no page
    of its own: only a POST, and whatever is refused goes back there as messages."""
    if on_record_page and request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    step = workflow.steps.get(action)
    if step is None:
        raise Http404
    if not workflow.offers(request.user, obj, step):
        messages.error(request, workflow.not_open(request.user, obj, step))
        return redirect(back)
    # Bound on any POST, even an empty one (a step may need no field at all).
    form = make_form(request.POST if request.method == "POST" else None)
    page: dict[str, Any] = {"form": form, "step": step, "back": back, **(context or {})}
    if request.method == "POST" and form.is_valid():
        try:
            workflow.transition(
                obj,
                action,
                request.user,
                note=form.cleaned_data.get("note") or "",
                expected_version=form.cleaned_data.get("version"),
                **step_data(form, step),
            )
        except StaleEditError as error:
            messages.error(request, error.message)
            return redirect(back)
        except DomainError as error:
            if on_error is not None and on_error(form, error, page):
                pass
            elif error.http_status == 409:
                messages.error(request, error.message)
                return redirect(back)
            else:
                form.add_error(_field_of(form, error, workflow), error.message)
        else:
            messages.success(
                request, success_message or _("Done: %(step)s.") % {"step": step.label}
            )
            return redirect(back)
    if on_record_page:
        for texts in form.errors.values():
            for text in texts:
                messages.error(request, str(text))
        return redirect(back)
    if template is None:
        raise ValueError("transition_page needs a template unless on_record_page")
    return render(request, template, page)


def _field_of(form: forms.Form, error: DomainError, workflow: Workflow[Any]) -> str | None:
    """The form field an error is about: the one it names, the note for the workflow's
    name of the note (a return's ``reason``), else the form as a whole."""
    if error.field in form.fields:
        return error.field
    if error.field == workflow.note_field and "note" in form.fields:
        return "note"
    return None


def list_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    filterset_class: type[Any],
    template: str,
    *,
    order: tuple[str, ...] = (),
    page_size: int = PAGE_SIZE,
    prepare: Callable[[Any], None] | None = None,
    context: dict[str, Any] | None = None,
    default: dict[str, str] | None = None,
    invalid_lists_all: bool = False,
    extra: Callable[[Any, Page[Any]], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A list page: ``queryset`` (already scoped to the user) filtered by ``filterset_class``
    from the query string, ordered by ``order``, paginated by ``?page=``. ``prepare`` may
    narrow the filter form's choices before it is validated. The template gets ``filter``
    and ``page`` besides ``context``.

    ``default`` gives the value of a filter the query string does not name (a list that
    shows this year, or what is overdue, until asked otherwise). An invalid filter lists
    nothing, or every row unfiltered when ``invalid_lists_all``. ``extra(filter, page)``
    adds context computed from the filter and the page (``page.paginator.object_list`` is
    every row listed): figures for the rows shown, a summary of the rows listed."""
    data: QueryDict | None = request.GET or None
    if default:
        data = request.GET.copy()
        for name, value in default.items():
            data.setdefault(name, value)
    filterset = filterset_class(data, queryset=queryset, request=request)
    if prepare is not None:
        prepare(filterset)
    if filterset.is_bound and not filterset.is_valid():
        rows = queryset.all() if invalid_lists_all else queryset.none()
    else:
        rows = filterset.qs
    if order:
        rows = rows.order_by(*order)
    page = Paginator(rows, page_size).get_page(request.GET.get("page"))
    page_context = {"filter": filterset, "page": page, **(context or {})}
    if extra is not None:
        page_context.update(extra(filterset, page))
    return render(request, template, page_context)


def field_error(
    form: forms.BaseForm, error: DomainError, *, whole_form: frozenset[str] = frozenset()
) -> None:
    """A service's error on the form field it names, or on the form as a whole when the form
    has no such field (or the field is one of ``whole_form``: data the form shows as a set,
    such as a project's budget lines)."""
    field = error.field if error.field in form.fields and error.field not in whole_form else None
    form.add_error(field, error.message)


def get_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """One row of an already scoped queryset (an app's ``access`` entry point), else 404:
    out of scope looks exactly like missing, and a malformed id is a 404 too, never a 500."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
