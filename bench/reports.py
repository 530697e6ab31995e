"""Benchmarks of the period reports at national scale (run by hand).

Uses the benchmark database the other benchmarks fill (same DATABASE_URL): bench/run.py's
establishments, bench/programmes.py's projects, bench/surveys.py's needs, bench/network.py's
collaborators and reports, bench/activities.py's activities and award rounds — each filled
once, when missing. Then times the period summary (API and page) of the nation, a region
and a province, for a year and for the first nine months, and the four official forms of
the nation for a year (results also for a region and a province, and as a page), as a
provincial manager and a national officer. Prints the median of several runs and the query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench .venv/bin/python bench/reports.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
os.environ.setdefault("BENCH_ESTABLISHMENTS", "300000")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "1")
# Two-factor authentication would send the national officer and the manager to its page.
os.environ.setdefault("REQUIRE_2FA", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from activities import fill_activities  # noqa: E402  (bench/activities.py)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from network import fill_network  # noqa: E402  (bench/network.py)
from programmes import fill_projects  # noqa: E402  (bench/programmes.py)
from run import RUNS, fill, measure  # noqa: E402  (bench/run.py: filling, timing)
from surveys import fill_surveys  # noqa: E402  (bench/surveys.py)

from khuyencong.accounts.models import User  # noqa: E402
from khuyencong.core.roles import Role  # noqa: E402
from khuyencong.places.models import Province, Region  # noqa: E402


def fill_all() -> None:
    fill()
    if not User.objects.exists():
        User.objects.create_superuser("bench_admin", "bench@example.org", "x")
    fill_projects()
    fill_surveys()
    fill_network()
    fill_activities()


def main() -> None:
    fill_all()
    province = Province.objects.get(code="66")
    manager, _ = User.objects.get_or_create(
        username="bench_manager", defaults={"role": Role.PROVINCIAL_MANAGER, "province": province}
    )
    national, _ = User.objects.get_or_create(
        username="bench_national", defaults={"role": Role.NATIONAL_OFFICER}
    )
    # Records answer the periods from RecordsSince (2025 by default), aggregate values the
    # years before: the report of this year reads records for it and for the year before.
    this_year = timezone.localdate().year
    year = this_year - 1
    region = Region.objects.filter(provinces=province).values_list("code", flat=True).first()
    api = "/api/v1/reports/summary/"
    whole = f"start={year}-01-01&end={year}-12-31"
    this = f"start={this_year}-01-01&end={this_year}-12-31"
    nine = f"start={this_year}-01-01&end={this_year}-09-30"
    cases = [
        (national, f"API national report {year}", f"{api}?unit=nation&{whole}"),
        (national, f"API national report {this_year}", f"{api}?unit=nation&{this}"),
        (national, f"API region {region} report {year}", f"{api}?unit=region:{region}&{whole}"),
        (manager, f"API province 66 report {year}", f"{api}?unit=province:66&{whole}"),
        (national, f"API national report, 9 months {this_year}", f"{api}?unit=nation&{nine}"),
        (manager, f"API province 66, 9 months {this_year}", f"{api}?unit=province:66&{nine}"),
        (national, f"page national report {year}", f"/reports/?unit=nation&kind=year&year={year}"),
        (
            national,
            f"page national report {this_year}",
            f"/reports/?unit=nation&kind=year&year={this_year}",
        ),
        (
            national,
            f"page region {region} report {year}",
            f"/reports/?unit=region:{region}&kind=year&year={year}",
        ),
        (
            manager,
            f"page province 66 report {year}",
            f"/reports/?unit=province:66&kind=year&year={year}",
        ),
        (
            national,
            f"page national, 9 months {this_year}",
            f"/reports/?unit=nation&kind=months&year={this_year}&number=9",
        ),
    ]
    forms = "/api/v1/reports/forms"
    for code in ("results", "funding", "awards", "projects"):
        cases.append(
            (
                national,
                f"API national form {code} {year}",
                f"{forms}/{code}/?unit=nation&year={year}",
            )
        )
    cases += [
        (
            national,
            f"API region {region} results {year}",
            f"{forms}/results/?unit=region:{region}&year={year}",
        ),
        (
            manager,
            f"API province 66 results {year}",
            f"{forms}/results/?unit=province:66&year={year}",
        ),
        (
            national,
            f"page national results form {year}",
            f"/reports/forms/?form=results&unit=nation&kind=year&year={year}",
        ),
    ]
    print(f"reports, {connection.vendor}, median of {RUNS}")
    print(f"{'case':<42} {'ms':>8} {'queries':>8} {'status':>7}")
    for user, label, url in cases:
        client = Client()
        client.force_login(user)
        client.get(url)
        ms, queries, status = measure(client, url)
        print(f"{label:<42} {ms:>8.1f} {queries:>8} {status:>7}")


if __name__ == "__main__":
    main()
