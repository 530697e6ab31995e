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
