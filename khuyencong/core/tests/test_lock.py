"""requirements.lock (make lock) pins what pyproject.toml asks for: `make install` and CI
install from the lock, so a dependency changed without `make lock` would drift."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    pins = [re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)", line) for line in lines]
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in pins if m}


def _asked() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def test_every_dependency_is_pinned_in_pyproject_and_locked_at_that_version():
    locked = _locked()
    for requirement in _asked():
        pinned = re.search(r"==\s*([^\s;,]+)", requirement)
        assert pinned, f"{requirement}: pin it with == in pyproject.toml"
        name = _name(requirement)
        assert locked.get(name) == pinned.group(1), (
            f"{name}=={pinned.group(1)} in pyproject.toml, {locked.get(name)} in "
            "requirements.lock: run `make lock`"
        )


def test_the_lock_carries_hashes_for_every_package():
    text = (ROOT / "requirements.lock").read_text()
    assert text.count("--hash=sha256:") >= len(_locked())
    assert "django==5.2." in text
