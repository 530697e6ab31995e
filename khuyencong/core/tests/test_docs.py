"""README and docs read in a clone: every relative link leads to a file of the repository,
each demo walkthrough names its login, and the set-up's one apt-get line lists exactly the
Debian packages .ci/run installs (and .ci/check_system checks before `make test`)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
DEMO_LOGINS = re.compile(r"`(admin|cuc|giamdoc_\w+|canbo_\w+|ctv_\w+|thanhtra_\w+)`")


def _apt_packages() -> list[str]:
    run = (ROOT / ".ci" / "run").read_text()
    return re.search(r"^APT_PACKAGES=\(([^)]*)\)", run, re.MULTILINE).group(1).split()


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_relative_link_resolves_in_a_clone(path):
    broken = []
    for target in LINK.findall(path.read_text()):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # another site, or a place on the same page
        file = (path.parent / target.split("#")[0]).resolve()
        if not file.is_relative_to(ROOT) or not file.exists():
            broken.append(target)
    assert not broken, f"{path.name}: links to files a clone does not have: {broken}"


def test_each_demo_walkthrough_names_its_login():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("### Walkthroughs: who to log in as", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) > 8
    for row in rows[1:]:
        assert DEMO_LOGINS.search(row), row
    for path in DOCS:
        text = path.read_text()
        if "\n## Demo" in text:
            section = text.split("\n## Demo", 1)[1].split("\n## ", 1)[0]
            assert DEMO_LOGINS.search(section), f"{path.name}: the demo section names no login"


def test_the_readme_set_up_line_installs_what_ci_installs():
    readme = (ROOT / "README.md").read_text()
    lines = [line for line in readme.splitlines() if "apt-get install" in line and "sudo" in line]
    assert len(lines) == 1, "one apt-get line in the set-up"
    listed = lines[0].split("apt-get install", 1)[1].split()
    assert listed == _apt_packages()


def test_make_test_stops_at_once_naming_the_line_when_a_package_is_missing(tmp_path):
    # The check script reads .ci/run next to it: give it a list with a package no machine has.
    script = tmp_path / "check_system"
    script.write_text((ROOT / ".ci" / "check_system").read_text())
    (tmp_path / "run").write_text("APT_PACKAGES=(coreutils kc-no-such-package-here)\n")
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    if "Not a Debian machine" in result.stdout:
        pytest.skip("dpkg-query is not available here")
    assert result.returncode == 1
    assert "Missing Debian packages: kc-no-such-package-here" in result.stdout
    assert "sudo apt-get install coreutils kc-no-such-package-here" in result.stdout
    (tmp_path / "run").write_text("APT_PACKAGES=(coreutils)\n")
    ok = subprocess.run(  # noqa: S603
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stdout


def test_make_test_runs_the_check_first():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: check-system ", makefile, re.MULTILINE)
    assert "python3 .ci/check_system" in makefile


def test_make_run_prints_the_address_it_serves(db):
    from io import StringIO

    from khuyencong.core.management.commands.seed_demo import Command

    makefile = (ROOT / "Makefile").read_text()
    assert "seed_demo --print-logins --url http://$(HOST):$(PORT)/" in makefile
    assert "runserver $(HOST):$(PORT)" in makefile
    out = StringIO()
    Command(stdout=out)._print_logins("http://0.0.0.0:8080/")
    assert "Open http://0.0.0.0:8080/ and log in." in out.getvalue()
