"""Generate the benchmark dataset once, timing each part (run by hand; `make bench` runs it
first).

Fills the benchmark database (same DATABASE_URL and BENCH_* counts as the other scripts;
each part only when missing) with the schema and places, bench/run.py's establishments,
bench/programmes.py's projects with their lines, disbursements, settlements, beneficiaries
and inspections, bench/surveys.py's responses, needs and applications, bench/network.py's
collaborators and quarterly reports, bench/activities.py's activities and award rounds,
then ANALYZE. Prints the seconds of each part and ends with one JSON line
{"generate_s", "parts": {...}, "database", "establishments", "projects"}.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench .venv/bin/python bench/generate.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
os.environ.setdefault("BENCH_ESTABLISHMENTS", "300000")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("REQUIRE_2FA", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
(ROOT / "var").mkdir(exist_ok=True)

import django  # noqa: E402

django.setup()

from activities import fill_activity_records, fill_awards  # noqa: E402
from bulk import TIMES, analyze, timed  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from network import fill_network  # noqa: E402
from programmes import fill_projects  # noqa: E402
from run import fill_establishments  # noqa: E402
from surveys import fill_surveys  # noqa: E402

from khuyencong.accounts.models import User  # noqa: E402
from khuyencong.core import dataversions  # noqa: E402
from khuyencong.places.models import Province  # noqa: E402
from khuyencong.programmes.models import Project  # noqa: E402
from khuyencong.registry.models import Establishment  # noqa: E402


def generate() -> dict:
    """Fill what is missing; the seconds of each part and their total."""
    started = time.perf_counter()
    with timed("schema"):
        call_command("migrate", verbosity=0)
    with timed("places"):
        if not Province.objects.exists():
            call_command("load_places", verbosity=0)
        if not User.objects.exists():
            User.objects.create_superuser("bench_admin", "bench@example.org", "x")
    for label, fill in [
        ("establishments", fill_establishments),
        ("projects", fill_projects),
        ("surveys", fill_surveys),
        ("network", fill_network),
        ("activities", fill_activity_records),
        ("awards", fill_awards),
    ]:
        with timed(label):
            fill()
    # The rows went in without save signals: raise every data version so no cached report
    # figure computed before (another run, a shared cache) is served (reports/cache.py).
    dataversions.bump_everywhere()
    with timed("analyze"):
        analyze()
    return {
        "generate_s": round(time.perf_counter() - started, 1),
        "parts": {label: round(seconds, 1) for label, seconds in TIMES.items()},
        "database": connection.vendor,
        "establishments": Establishment.objects.count(),
        "projects": Project.objects.count(),
    }


def main() -> None:
    figures = generate()
    print(f"{'part':<32} {'s':>8}")
    for label, seconds in figures["parts"].items():
        print(f"{label:<32} {seconds:>8.1f}")
    print(f"{'total':<32} {figures['generate_s']:>8.1f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
