"""Benchmarks of projects, plans and money at national scale (run by hand).

Fills the benchmark database (see bench/run.py: same DATABASE_URL, establishments first)
with BENCH_PROJECTS projects (default 60,000) over the 34 provinces and ten years, with
budget lines, disbursements, settlements and inspections, then times the pages and API
calls of the programmes app. Prints the median of several runs and the query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench .venv/bin/python bench/programmes.py
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

from bulk import analyze, store  # noqa: E402  (bench/bulk.py: COPY on PostgreSQL)
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from run import RUNS, fill, measure  # noqa: E402  (bench/run.py: filling, timing)

from khuyencong.accounts.models import User  # noqa: E402
from khuyencong.core.roles import Role  # noqa: E402
from khuyencong.places.models import Province  # noqa: E402
from khuyencong.programmes.models import (  # noqa: E402
    AnnualPlan,
    BudgetLine,
    Disbursement,
    Inspection,
    Project,
    ProjectBeneficiary,
    SettlementLine,
)
from khuyencong.registry.models import Establishment  # noqa: E402

TARGET = int(os.environ.get("BENCH_PROJECTS", "60000"))
S = Project.Status
STATES = [S.SETTLED] * 6 + [
    S.ACCEPTED,
    S.IN_PROGRESS,
    S.APPROVED,
    S.SUBMITTED,
    S.DRAFT,
    S.CANCELLED,
]


@transaction.atomic  # one commit: the plans and campaigns too (SQLite syncs each)
def fill_projects() -> None:
    have = Project.objects.count()
    if have >= TARGET:
        return
    started = time.perf_counter()
    rng = random.Random(2)
    provinces = list(Province.objects.values_list("code", flat=True))
    this_year = timezone.localdate().year
    years = list(range(this_year - 9, this_year + 1))
    plans = {}
    for province in provinces:
        for year in years:
            for level in ("national", "local"):
                plan, _ = AnnualPlan.objects.get_or_create(
                    province_id=province, year=year, funding_level=level
                )
                plans[province, year, level] = plan.pk
    by_province: dict[str, list[int]] = {}
    for pk, province in Establishment.objects.values_list("pk", "province_id").iterator(
        chunk_size=20000
    ):
        by_province.setdefault(province, []).append(pk)
    batch = []
    for index in range(have, TARGET):
        province = rng.choice(provinces)
        year = rng.choice(years)
        level = rng.choice(["national", "local", "local"])
        status = rng.choice(STATES) if year < this_year else rng.choice(list(S.values))
        batch.append(
            Project(
                code=f"B{index:06d}",
                title=f"Hỗ trợ ứng dụng máy móc thiết bị số {index}",
                plan_id=plans[province, year, level],
                province_id=province,
                year=year,
                funding_level=level,
                category_id="03",
                subtype_id="03-MAYMOC",
                implementer="Trung tâm Khuyến công",
                status=status,
                approved_on=datetime.date(year, 3, 1)
                if status not in (S.DRAFT, S.SUBMITTED)
                else None,
                accepted_on=datetime.date(year, 10, 1)
                if status in (S.ACCEPTED, S.SETTLED)
                else None,
            )
        )
        if len(batch) == 5000:
            _store(batch, by_province, rng)
            batch = []
    _store(batch, by_province, rng)
    print(f"filled {TARGET - have} projects in {time.perf_counter() - started:.0f} s")
    analyze(AnnualPlan, Project, BudgetLine, ProjectBeneficiary, Disbursement, SettlementLine)
    analyze(Inspection)


def _store(batch: list[Project], by_province: dict[str, list[int]], rng: random.Random) -> None:
    if not batch:
        return
    created = store(Project, batch)
    lines, paid, settled, links, checks = [], [], [], [], []
    officer = User.objects.filter(is_superuser=True).first() or User.objects.first()
    for project in created:
        state = "national" if project.funding_level == "national" else "local"
        amount = rng.randint(50, 300) * 1_000_000
        lines += [
            BudgetLine(project=project, source=state, amount=amount),
            BudgetLine(project=project, source="counterpart", amount=amount),
        ]
        establishment = rng.choice(by_province.get(project.province_id) or [None])
        if establishment:
            links.append(ProjectBeneficiary(project=project, establishment_id=establishment))
        if project.approved_on:
            paid.append(
                Disbursement(
                    project=project,
                    province_id=project.province_id,
                    source=state,
                    amount=amount // 2,
                    date=project.approved_on,
                    created_by=officer,
                )
            )
        if project.status == S.SETTLED:
            settled.append(SettlementLine(project=project, source=state, amount=amount))
        if project.accepted_on and establishment:
            checks.append(
                Inspection(
                    project=project,
                    establishment_id=establishment,
                    province_id=project.province_id,
                    due_date=project.accepted_on + datetime.timedelta(days=365),
                )
            )
    store(BudgetLine, lines)
    store(ProjectBeneficiary, links)
    store(Disbursement, paid)
    store(SettlementLine, settled)
    store(Inspection, checks)


def main() -> None:
    fill()
    if not User.objects.exists():
        User.objects.create_superuser("bench_admin", "bench@example.org", "x")
    fill_projects()
    province = Province.objects.get(code="66")
    manager, _ = User.objects.get_or_create(
        username="bench_manager", defaults={"role": Role.PROVINCIAL_MANAGER, "province": province}
    )
    national, _ = User.objects.get_or_create(
        username="bench_national", defaults={"role": Role.NATIONAL_OFFICER}
    )
    year = timezone.localdate().year
    project = Project.objects.filter(province=province, status=S.IN_PROGRESS).first()
    plan = AnnualPlan.objects.get(province=province, year=year, funding_level="national")
    cases = [
        (manager, "province project list", "/programmes/projects/"),
        (
            manager,
            f"province projects {year - 3}, settled",
            f"/programmes/projects/?year={year - 3}&status=settled",
        ),
        (manager, "province project search", "/programmes/projects/?q=12345"),
        (national, "national project list", "/programmes/projects/"),
        (
            national,
            "national projects, one province",
            "/programmes/projects/?province=79&year=2020",
        ),
        (manager, "project detail", f"/programmes/projects/{project.pk}/"),
        (manager, "plan board (this year, national)", f"/programmes/plans/{plan.pk}/"),
        (manager, "plan list with overdue steps", "/programmes/plans/"),
        (national, "national plan list", "/programmes/plans/"),
        (national, f"money by province {year}", f"/programmes/money/?year={year}"),
        (manager, "overdue inspections", "/programmes/inspections/"),
        (national, "national overdue inspections", "/programmes/inspections/"),
        (manager, "API project list", "/api/v1/projects/"),
        (national, "API project list, national", f"/api/v1/projects/?year={year}"),
        (manager, "plan XLSX export", f"/programmes/plans/{plan.pk}/export/"),
    ]
    print(f"{Project.objects.count():,} projects, {connection.vendor}, median of {RUNS}")
    print(f"{'case':<42} {'ms':>8} {'queries':>8} {'status':>7}")
    for user, label, url in cases:
        client = Client()
        client.force_login(user)
        client.get(url)
        ms, queries, status = measure(client, url)
        print(f"{label:<42} {ms:>8.1f} {queries:>8} {status:>7}")


if __name__ == "__main__":
    main()
