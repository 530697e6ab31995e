"""The overview page is assembled from sections that each app registers, so core never
imports the apps above it (DESIGN.md: data flows upward, core reads no one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Provider = Callable[[Any], dict[str, Any]]
_SECTIONS: list[tuple[int, str, Provider]] = []


@dataclass(frozen=True)
class Section:
    template: str
    data: dict[str, Any]


def dashboard_section(template: str, *, order: int = 100) -> Callable[[Provider], Provider]:
    """Register ``func(user) -> dict`` to be rendered with ``template`` on the overview."""

    def register(func: Provider) -> Provider:
        _SECTIONS.append((order, template, func))
        _SECTIONS.sort(key=lambda item: item[0])
        return func

    return register


def sections_for(user: Any) -> list[Section]:
    return [Section(template, func(user)) for _order, template, func in _SECTIONS]


# --- what is due -----------------------------------------------------------------------------
# Each app says what waits for a user (a report to file, steps to take, inspections overdue);
# the home page lists them first, most urgent first, each a link to where it is done.


@dataclass(frozen=True)
class Todo:
    text: str
    url: str
    urgent: bool = False  # past its deadline
    due: Any = None  # the date it is due, when it has one


TodoProvider = Callable[[Any], list[Todo]]
_TODOS: list[tuple[int, TodoProvider]] = []


def todo_provider(*, order: int = 100) -> Callable[[TodoProvider], TodoProvider]:
    """Register ``func(user) -> [Todo, …]``: what waits for this user in the app."""

    def register(func: TodoProvider) -> TodoProvider:
        _TODOS.append((order, func))
        _TODOS.sort(key=lambda item: item[0])
        return func

    return register


def todos_for(user: Any) -> list[Todo]:
    todos = [todo for _order, func in _TODOS for todo in func(user)]
    # Overdue first; the rest in the apps' order.
    return sorted(todos, key=lambda todo: not todo.urgent)
