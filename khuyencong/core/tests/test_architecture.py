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
