"""Benchmarks of the field network at national scale (run by hand).

Fills the benchmark database with about one collaborator per commune (BENCH_COLLABORATORS,
default 3,300, a tenth of them no longer active), their quarterly reports over ten years
(about 130,000, two sector lines each) and a difficulty for every third report, then times
the roster, report, late-report and difficulty pages and the API as a provincial manager and
a national officer. Prints the median of several runs and the query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench .venv/bin/python bench/network.py
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "1")
# Two-factor authentication would send the national officer and the manager to its page.
os.environ.setdefault("REQUIRE_2FA", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from bulk import analyze, store  # noqa: E402  (bench/bulk.py: COPY on PostgreSQL)
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from run import RUNS, measure  # noqa: E402  (bench/run.py: timing)

from khuyencong.accounts.models import User  # noqa: E402
from khuyencong.core.roles import Role  # noqa: E402
from khuyencong.network.models import (  # noqa: E402
    Collaborator,
    Difficulty,
    QuarterlyReport,
    ReportSectorLine,
)
from khuyencong.network.quarters import Quarter, finished_quarters  # noqa: E402
from khuyencong.places.models import Commune, Province  # noqa: E402
from khuyencong.registry.models import Sector  # noqa: E402

COLLABORATORS = int(os.environ.get("BENCH_COLLABORATORS", "3300"))
YEARS = 10


def fill_network() -> None:
    call_command("migrate", verbosity=0)
    if not Province.objects.exists():
        call_command("load_places", verbosity=0)
    if Collaborator.objects.count() >= COLLABORATORS:
        return
    started = time.perf_counter()
    rng = random.Random(7)
    today = timezone.localdate()
    communes = list(Commune.objects.values_list("pk", "province_id").order_by("code"))
    sectors = list(Sector.objects.values_list("pk", flat=True)) or ["a"]
    first_year = today.year - YEARS + 1
    collaborators = []
    for index in range(COLLABORATORS):
        # A stride through the communes (3,321 = 3⁴·41, so 7 visits each once): a small
        # BENCH_COLLABORATORS still covers every province.
        _commune, province = communes[(index * 7) % len(communes)]
        ended = index % 10 == 0
        collaborators.append(
            Collaborator(
                full_name=f"Cộng tác viên {index:05d}",
                province_id=province,
                position="Công chức Văn hóa – Xã hội",
                appointed_on=datetime.date(first_year, 1, 1),
                appointment_decision=f"{index}/QĐ-UBND",
                active_until=datetime.date(today.year - 1, 6, 30) if ended else None,
                monthly_fee=1_500_000,
            )
        )
    store(Collaborator, collaborators)
    collaborators = list(Collaborator.objects.values_list("pk", "province_id", "active_until"))
    through = Collaborator.communes.through
    store(
        through,
        [
            through(collaborator_id=pk, commune_id=communes[index % len(communes)][0])
            for index, (pk, _province, _until) in enumerate(collaborators)
        ],
    )
    periods = [Quarter(year, q) for year in range(first_year, today.year + 1) for q in (1, 2, 3, 4)]
    finished = set(finished_quarters(today, len(periods)))
    reports: list[QuarterlyReport] = []
    for pk, province, until in collaborators:
        for period in periods:
            if period not in finished or (until and period.start > until):
                continue
            if rng.random() < 0.05:  # missing
                continue
            late = rng.random() < 0.2
            submitted = timezone.make_aware(
                datetime.datetime.combine(
                    period.end + datetime.timedelta(days=rng.randint(11, 40) if late else 5),
                    datetime.time(9),
                )
            )
            reports.append(
                QuarterlyReport(
                    collaborator_id=pk,
                    province_id=province,
                    year=period.year,
                    quarter=period.quarter,
                    establishments_active=rng.randint(20, 90),
                    establishments_new=rng.randint(0, 5),
                    establishments_ceased=rng.randint(0, 3),
                    status=rng.choice(["accepted"] * 8 + ["submitted", "returned"]),
                    submitted_at=submitted,
                )
            )
    with transaction.atomic():
        # Each collaborator's reports, then two sector lines per report and a difficulty for
        # every third report of the collaborator.
        created = store(QuarterlyReport, reports)
        store(
            ReportSectorLine,
            [
                ReportSectorLine(report_id=r.pk, sector_id=sector, active=10, new=1, ceased=0)
                for r in created
                for sector in rng.sample(sectors, min(2, len(sectors)))
            ],
        )
        store(
            Difficulty,
            [
                Difficulty(
                    report_id=r.pk,
                    shared=True,
                    province_id=r.province_id,
                    topic=rng.choice(Difficulty.Topic.values),
                    text="Thiếu vốn mua máy móc",
                    status=rng.choice(Difficulty.Status.values),
                )
                for r in _every_third_of_each(created)
            ],
        )
    print(f"filled the network in {time.perf_counter() - started:.0f} s")
    analyze(Collaborator, Collaborator.communes.through, QuarterlyReport, ReportSectorLine)
    analyze(Difficulty)


def _every_third_of_each(reports: list[QuarterlyReport]) -> list[QuarterlyReport]:
    """The first, fourth, seventh… report of each collaborator (they come in order)."""
    chosen, previous, index = [], None, 0
    for report in reports:
        if report.collaborator_id != previous:
            previous, index = report.collaborator_id, 0
        if index % 3 == 0:
            chosen.append(report)
        index += 1
    return chosen


def main() -> None:
    fill_network()
    province = Province.objects.get(code="66")
    manager, _ = User.objects.get_or_create(
        username="bench_manager", defaults={"role": Role.PROVINCIAL_MANAGER, "province": province}
    )
    national, _ = User.objects.get_or_create(
        username="bench_national", defaults={"role": Role.NATIONAL_OFFICER}
    )
    collaborator = Collaborator.objects.filter(province=province).order_by("pk").first()
    report = QuarterlyReport.objects.filter(province=province).order_by("-pk").first()
    cases = [
        (manager, "province roster", "/network/"),
        (national, "national coverage", "/network/"),
        (national, "national roster of one province", "/network/?province=66"),
        (manager, "province reports", "/network/reports/"),
        (manager, "province reports, submitted", "/network/reports/?status=submitted"),
        (national, "national reports", "/network/reports/"),
        (manager, "province late reports", "/network/reports/late/"),
        (national, "national late reports", "/network/reports/late/"),
        (manager, "province difficulties", "/network/difficulties/"),
        (national, "national difficulties, open", "/network/difficulties/?status=open"),
        (manager, "collaborator page", f"/network/collaborators/{collaborator.pk}/"),
        (manager, "report page", f"/network/reports/{report.pk}/"),
        (manager, "API collaborators", "/api/v1/collaborators/"),
        (national, "API collaborator reports, national", "/api/v1/collaborator-reports/"),
    ]
    print(
        f"{Collaborator.objects.count():,} collaborators, {QuarterlyReport.objects.count():,} "
        f"reports, {Difficulty.objects.count():,} difficulties, {connection.vendor}, "
        f"median of {RUNS}"
    )
    print(f"{'case':<42} {'ms':>8} {'queries':>8} {'status':>7}")
    for user, label, url in cases:
        client = Client()
        client.force_login(user)
        client.get(url)
        ms, queries, status = measure(client, url)
        print(f"{label:<42} {ms:>8.1f} {queries:>8} {status:>7}")


if __name__ == "__main__":
    main()
