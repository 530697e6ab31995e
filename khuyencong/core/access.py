"""The access kernel: one declaration per scoped model answers the three questions every
page, API endpoint, export and job asks (healthchecks' ``_get_rw_check_for_user``, zulip's
``access_stream_by_id``):

- which of these may this user see (or change)?          ``rule.visible(user, write=…)``
- fetch this one for this user, 404 otherwise, and say
  whether they may change it                             ``rule.fetch(user, pk=…)``
- which actions may they take on it?                      ``rule.actions(user, obj)``

An app declares its rules in ``<app>/access.py``::

    PROJECTS = Rule(Project)                          # province / commune columns
    LINES = Rule(BudgetLine, province_field="project__province",
                 commune_field="project__commune")

    def projects_for(user, *, write=False):          # the app's named entry point
        return PROJECTS.visible(user, write=write)

and nothing else filters a scoped model by place: the rules themselves (roles, provinces,
communes) stay in ``core/scoping.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from khuyencong.core.scoping import scope_queryset
from khuyencong.core.workflow import registered_workflow

M = TypeVar("M", bound=Model)

#: The actions any changeable record offers; a workflow adds its steps' actions.
CHANGE, DELETE = "change", "delete"


class Rule(Generic[M]):
    """Who sees and changes the records of one scoped model."""

    def __init__(
        self,
        model: type[M],
        *,
        province_field: str = "province",
        commune_field: str = "commune",
        base: Callable[[], QuerySet[M]] | None = None,
        deletable: bool = True,
    ) -> None:
        self.model = model
        self.province_field = province_field
        self.commune_field = commune_field
        self._base = base
        self.deletable = deletable

    def base(self) -> QuerySet[M]:
        """The unscoped queryset (a manager's default, or the ``base`` given)."""
        if self._base is not None:
            return self._base()
        return self.model._default_manager.all()

    def visible(
        self, user: Any, *, write: bool = False, queryset: QuerySet[M] | None = None
    ) -> QuerySet[M]:
        """The records the user may see (or change, with ``write=True``)."""
        return scope_queryset(
            user,
            self.base() if queryset is None else queryset,
            write=write,
            province_field=self.province_field,
            commune_field=self.commune_field,
        )

    def get(
        self, user: Any, *, write: bool = False, queryset: QuerySet[M] | None = None, **lookup: Any
    ) -> M:
        """One record the user may see (or change), else 404 — the same 404 as a missing id.
        (Looked up in ``visible`` alone: a rule that scopes by something else than the
        default place columns must not be filtered by them again.)"""
        try:
            return self.visible(user, write=write, queryset=queryset).get(**lookup)
        except (ObjectDoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc

    def fetch(
        self, user: Any, *, queryset: QuerySet[M] | None = None, **lookup: Any
    ) -> tuple[M, bool]:
        """One record the user may see (else 404) and whether they may change it."""
        obj = self.get(user, queryset=queryset, **lookup)
        return obj, self.may_change(user, obj)

    def may_change(self, user: Any, obj: M) -> bool:
        """Whether the user may change this record (one indexed query)."""
        return self.visible(user, write=True).filter(pk=obj.pk).exists()

    def actions(self, user: Any, obj: M, *, may_change: bool | None = None) -> list[str]:
        """What the user may do to this record: ``change``, ``delete`` and, where the model
        has a workflow, the actions of the steps offered to them now."""
        if may_change is None:
            may_change = self.may_change(user, obj)
        if not may_change:
            return []
        actions = [CHANGE] + ([DELETE] if self.deletable else [])
        workflow = registered_workflow(self.model)
        if workflow is not None:
            actions += [step.action for step in workflow.allowed_steps(user, obj)]
        return actions
