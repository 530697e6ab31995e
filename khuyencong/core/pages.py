"""Page helpers shared by the apps' staff pages (DESIGN.md, "One kernel per concern").

``transition_page`` is the one confirm-then-act page of every workflow (STYLE.md 8,
pretix ``OrderApprove``): GET shows the step, its help and its form; POST takes the step
through the workflow kernel and goes back to the record with a message.

``list_page`` is the list of a page: the rows the user may see, narrowed by a django-filter
``FilterSet`` read from the query string (an invalid filter lists nothing), in a fixed
order, one page of at most ``page_size`` rows.

``edit_page`` is the form page that saves a record with optimistic locking: the form carries
the record's hidden ``version``, the service compares it with the stored one under a row lock
(core/locking.py) and refuses a stale edit, which the page says without saving anything.

``confirm_delete`` is the confirm-then-delete page (STYLE.md 8): GET asks, only POST deletes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from khuyencong.core import dataversions
from khuyencong.core.errors import ConflictError, DomainError, StaleEditError
from khuyencong.core.workflow import Step, Workflow

M = TypeVar("M", bound=Model)
R = TypeVar("R")

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
    cache_pages: bool = False,
) -> HttpResponse:
    """A list page: ``queryset`` (already scoped to the user) filtered by ``filterset_class``
    from the query string, ordered by ``order``, paginated by ``?page=``. ``prepare`` may
    narrow the filter form's choices before it is validated. The template gets ``filter``
    and ``page`` besides ``context``.

    ``default`` gives the value of a filter the query string does not name (a list that
    shows this year, or what is overdue, until asked otherwise). An invalid filter lists
    nothing, or every row unfiltered when ``invalid_lists_all``. ``extra(filter, page)``
    adds context computed from the filter and the page (``page.paginator.object_list`` is
    every row listed): figures for the rows shown, a summary of the rows listed.
    ``cache_pages`` keeps the pager's count and the keys of each page's rows under the data
    versions (``core.dataversions``): for the lists of the largest tables."""
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
    page = page_of(request, rows, page_size, cache_pages=cache_pages)
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


def edit_page(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    save: Callable[[int | None], R],
    saved: str,
    done: Callable[[R], HttpResponse],
    template: str,
    context: Mapping[str, Any],
    also_valid: Sequence[forms.BaseForm | forms.BaseFormSet] = (),
    on_error: Callable[[DomainError], None] | None = None,
    conflict_back: str | None = None,
    stale_on_form: bool = False,
) -> HttpResponse:
    """A form page that saves with optimistic locking: on a valid POST (``form``, then each of
    ``also_valid``, a formset beside it), ``save(expected_version)`` calls the app's service
    with the ``version`` the form carried; the service compares it with the stored one and
    raises ``StaleEditError`` when someone saved in between. Then:

    - saved: the ``saved`` message, and ``done(what save returned)`` (a redirect);
    - stale: nothing saved, the form again with the refusal as a message (or, with
      ``stale_on_form``, at the top of the form);
    - another conflict (409: the record has gone on, e.g. submitted meanwhile), when
      ``conflict_back`` is given: back to that URL with the refusal as a message;
    - another ``DomainError``: on the field it names (``field_error``), or where
      ``on_error(error)`` puts it (a formset's row…), and the form again.

    Otherwise (GET, invalid form) the form is shown: ``template`` with ``form`` and ``context``.
    """
    if request.method == "POST" and all(part.is_valid() for part in (form, *also_valid)):
        try:
            result = save(form.cleaned_data.get("version"))
        except StaleEditError as error:
            if stale_on_form:
                form.add_error(None, error.message)
            else:
                messages.error(request, error.message)
        except DomainError as error:
            if conflict_back is not None and error.http_status == 409:
                messages.error(request, error.message)
                return redirect(conflict_back)
            if on_error is None:
                field_error(form, error)
            else:
                on_error(error)
        else:
            messages.success(request, saved)
            return done(result)
    return render(request, template, {"form": form, **context})


def confirm_delete(
    request: HttpRequest,
    *,
    delete: Callable[[], object],
    deleted: str,
    done: str,
    back: str,
    template: str,
    context: Mapping[str, Any],
    conflict_on_page: bool = False,
) -> HttpResponse:
    """A confirm-then-delete page: GET shows ``template`` with ``context`` (the question, what
    happens, the button, the way back) and deletes nothing; POST calls ``delete()`` (the app's
    service) and goes to ``done`` with the ``deleted`` message. A ``DomainError`` refusing the
    delete goes to ``back`` with its message; with ``conflict_on_page``, a ``ConflictError``
    (still in use…) shows the page again with the refusal as ``error``, answered 409.
    ``done`` and ``back`` are URLs."""
    error_message, status = None, 200
    if request.method == "POST":
        try:
            delete()
        except DomainError as error:
            if not (conflict_on_page and isinstance(error, ConflictError)):
                messages.error(request, error.message)
                return redirect(back)
            error_message, status = error.message, error.http_status
        else:
            messages.success(request, deleted)
            return redirect(done)
    return render(request, template, {**context, "error": error_message}, status=status)


def get_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """One row of an already scoped queryset (an app's ``access`` entry point), else 404:
    out of scope looks exactly like missing, and a malformed id is a 404 too, never a 500."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def page_of(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    page_size: int = PAGE_SIZE,
    *,
    cache_pages: bool = False,
) -> Page[Any]:
    """The page ``?page=`` of ``rows`` (of a list page, or of a list without filters: a
    history, the late reports): the last page for a number past the end, the first for
    one that is not a number."""
    if not cache_pages:
        return Paginator(rows, page_size).get_page(request.GET.get("page"))
    with dataversions.pinned():  # one read of the versions for the count and the page
        return VersionedPaginator(rows, page_size).get_page(request.GET.get("page"))


class VersionedPaginator(Paginator):
    """A paginator of a queryset whose count and page keys are kept under the data versions
    (``core.dataversions.cached_count`` and ``cached_slice``), read once for both."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return dataversions.cached_count(self.object_list)
        return len(self.object_list)

    def page(self, number: Any) -> Page[Any]:
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(dataversions.cached_slice(self.object_list, bottom, top), number, self)
