"""docs/architecture.md stays true: its layer list is the contract import-linter checks,
and the workflows it names are the ones the apps declare on the kernel."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from django.conf import settings

from khuyencong.core import workflow

ROOT = Path(settings.BASE_DIR)
PAGE = (ROOT / "docs" / "architecture.md").read_text()


def test_the_layers_on_the_page_are_the_ones_import_linter_checks():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    block = PAGE.split("<!-- layers:", 1)[1].split("```", 2)[1]

    assert [line.strip() for line in block.strip().splitlines()] == contract["layers"]


def test_the_page_names_every_declared_workflow_and_where_it_lives():
    declared = {type(w).__module__ for w in workflow._REGISTRY.values()}

    named = set(re.findall(r"`(\w+/\w+)\.py`", PAGE))
    assert {module.removeprefix("khuyencong.").replace(".", "/") for module in declared} <= named
    assert len(declared) == 5


SCOPING = {"scope_queryset", "get_scoped_or_404", "place_filter"}


def _app_modules():
    for path in sorted((ROOT / "khuyencong").rglob("*.py")):
        relative = path.relative_to(ROOT / "khuyencong")
        if (
            relative.parts[0] == "core"
            or "tests" in relative.parts
            or "migrations" in relative.parts
        ):
            continue
        yield relative, path.read_text()


def test_only_an_apps_access_module_filters_by_place():
    """Issue 16: no view, serializer, export or job filters a scoped model by itself; each
    app's access.py declares its core.access.Rule objects and everything fetches through it."""
    import ast

    offenders = []
    for relative, source in _app_modules():
        if relative.name == "access.py":
            continue
        for node in ast.walk(ast.parse(source)):
            name = getattr(node, "id", None) or getattr(node, "attr", None)
            if isinstance(node, ast.alias):
                name = node.name
            if name in SCOPING or (
                isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Rule"
            ):
                offenders.append(
                    f"{relative}:{node.lineno}" if hasattr(node, "lineno") else str(relative)
                )
    assert offenders == []


def test_every_app_with_scoped_records_has_an_access_module():
    apps = {"registry", "programmes", "network", "activities", "awards", "surveys", "reports"}
    assert {app for app in apps if (ROOT / "khuyencong" / app / "access.py").exists()} == apps
