"""Benchmarks of needs surveys and online applications at national scale (run by hand).

Fills the benchmark database (bench/run.py's establishments, and bench/programmes.py's
projects when present) with a campaign per province and year over five years,
BENCH_RESPONSES responses (default 100,000) with one or two needs each, some needs linked
to projects, and BENCH_APPLICATIONS applications (default 20,000), then times the needs
pages, summaries and the API. Prints the median of several runs and the query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench .venv/bin/python bench/surveys.py
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
from khuyencong.programmes.models import Project  # noqa: E402
from khuyencong.registry.models import Establishment  # noqa: E402
from khuyencong.surveys.models import (  # noqa: E402
    Application,
    Need,
    SurveyCampaign,
    SurveyResponse,
)

RESPONSES = int(os.environ.get("BENCH_RESPONSES", "100000"))
APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "20000"))
CATEGORIES = ["01", "02", "03", "03", "03", "04", "05", "06", "10"]


@transaction.atomic  # one commit: the plans and campaigns too (SQLite syncs each)
def fill_surveys() -> None:
    if SurveyResponse.objects.count() >= RESPONSES:
        return
    started = time.perf_counter()
    rng = random.Random(5)
    this_year = timezone.localdate().year
    years = list(range(this_year - 4, this_year + 1))
    campaigns = {}
    for province in Province.objects.values_list("code", flat=True):
        for year in years:
            campaign, _ = SurveyCampaign.objects.get_or_create(
                province_id=province,
                year=year,
                title=f"Khảo sát {year}",
                defaults={
                    "opens_on": datetime.date(year, 3, 1),
                    "closes_on": datetime.date(year, 5, 31),
                },
            )
            campaigns[province, year] = campaign.pk
    projects: dict[tuple[str, int], list[int]] = {}
    for pk, province, year in Project.objects.values_list("pk", "province_id", "year").iterator():
        projects.setdefault((province, year), []).append(pk)
    rows = list(
        Establishment.objects.values_list("pk", "province_id", "commune_id", "sector_id")[
            :RESPONSES
        ]
    )
    have = SurveyResponse.objects.count()
    for start in range(have, min(RESPONSES, len(rows)), 5000):
        batch = []
        for index in range(start, min(start + 5000, RESPONSES, len(rows))):
            pk, province, commune, _sector = rows[index]
            year = rng.choice(years)
            batch.append(
                SurveyResponse(
                    campaign_id=campaigns[province, year],
                    province_id=province,
                    commune_id=commune,
                    establishment_id=pk,
                    collected_on=datetime.date(year, 4, 1),
                    client_key=f"bench-{index}",
                    answers={},
                )
            )
        created = store(SurveyResponse, batch)
        sectors = {r[0]: r[3] for r in rows[start : start + 5000]}
        needs = []
        for response in created:
            year = response.collected_on.year
            for _ in range(rng.choice([1, 1, 2])):
                cost = rng.randint(20, 400) * 1_000_000
                linked = projects.get((response.province_id, year))
                needs.append(
                    Need(
                        response=response,
                        province_id=response.province_id,
                        commune_id=response.commune_id,
                        establishment_id=response.establishment_id,
                        sector_id=sectors.get(response.establishment_id, "a"),
                        year=year,
                        category_id=rng.choice(CATEGORIES),
                        description="Máy móc thiết bị",
                        estimated_cost=cost,
                        counterpart_capacity=cost // 2,
                        priority=rng.randint(1, 3),
                        project_id=rng.choice(linked) if linked and rng.random() < 0.3 else None,
                    )
                )
        store(Need, needs)
    communes = list(Establishment.objects.values_list("province_id", "commune_id")[:5000])
    batch = []
    for index in range(Application.objects.count(), APPLICATIONS):
        province, commune = rng.choice(communes)
        batch.append(
            Application(
                tracking_code=f"KC-{index:09d}",
                channel="web",
                province_id=province,
                commune_id=commune,
                establishment_name=f"Cơ sở số {index}",
                kind="household",
                sector_id="a",
                representative="Người đại diện",
                phone="0912345678",
                category_id="03",
                description="Máy móc",
                estimated_cost=100_000_000,
                status=rng.choice(Application.Status.values),
            )
        )
    store(Application, batch)
    print(f"filled surveys in {time.perf_counter() - started:.0f} s")
    analyze(SurveyCampaign, SurveyResponse, Need, Application)


def main() -> None:
    fill()
    fill_surveys()
    province = Province.objects.get(code="66")
    manager, _ = User.objects.get_or_create(
        username="bench_manager", defaults={"role": Role.PROVINCIAL_MANAGER, "province": province}
    )
    national, _ = User.objects.get_or_create(
        username="bench_national", defaults={"role": Role.NATIONAL_OFFICER}
    )
    year = timezone.localdate().year
    campaign = SurveyCampaign.objects.get(province=province, year=year, title=f"Khảo sát {year}")
    cases = [
        (manager, "province needs, by commune", "/surveys/needs/"),
        (
            manager,
            f"province needs {year}, by category",
            f"/surveys/needs/?year={year}&by=category",
        ),
        (manager, "province needs not yet in a project", "/surveys/needs/?state=open&by=sector"),
        (national, "national needs, by commune", "/surveys/needs/"),
        (
            national,
            f"national needs {year}, by category",
            f"/surveys/needs/?year={year}&by=category",
        ),
        (manager, "campaign page", f"/surveys/campaigns/{campaign.pk}/"),
        (manager, "province applications", "/surveys/applications/"),
        (national, "national applications, received", "/surveys/applications/?status=received"),
        (manager, "overview page", "/"),
        (manager, "API needs summary by category", "/api/v1/needs/summary/?by=category"),
        (national, "API needs, national", f"/api/v1/needs/?year={year}"),
        (manager, "API survey responses", "/api/v1/survey-responses/"),
    ]
    print(
        f"{SurveyResponse.objects.count():,} responses, {Need.objects.count():,} needs, "
        f"{Application.objects.count():,} applications, {connection.vendor}, median of {RUNS}"
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
