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

import datetime
import json
import os
import statistics
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

from activities import fill_activities  # noqa: E402  (bench/activities.py)
from django.core.cache import caches  # noqa: E402
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
from khuyencong.programmes.services import PLANNED_STATES  # noqa: E402
from khuyencong.reports import figures, summary  # noqa: E402
from khuyencong.reports.periods import Period  # noqa: E402
from khuyencong.reports.units import Unit, resolve  # noqa: E402
from khuyencong.surveys.services import MET_STATES  # noqa: E402

# The national report's figures of one year from the records, written by hand: one
# statement, each figure the way docs/reports.md defines it (projects approved, money planned
# and disbursed by source — KCQG "national", KCĐP "local" —, distinct establishments
# supported, the activity figures, certified products by level, active collaborators,
# needs). The late quarterly reports are left out (network.deadlines' rules per province).
HAND_SQL = """
WITH
planned AS (
    SELECT b.source, SUM(b.amount) AS total FROM programmes_budgetline b
    JOIN programmes_project p ON p.id = b.project_id
    WHERE p.status IN {planned} AND p.year = %(year)s GROUP BY b.source),
disbursed AS (
    SELECT source, SUM(amount) AS total FROM programmes_disbursement
    WHERE date BETWEEN %(start)s AND %(end)s GROUP BY source),
supported AS (
    SELECT pb.establishment_id FROM programmes_projectbeneficiary pb
    JOIN programmes_project p ON p.id = pb.project_id
    WHERE p.accepted_on BETWEEN %(start)s AND %(end)s
    UNION SELECT fp.establishment_id FROM activities_fairparticipation fp
    JOIN activities_fair f ON f.id = fp.fair_id WHERE f.start_date BETWEEN %(start)s AND %(end)s
    UNION SELECT establishment_id FROM activities_showroom
    WHERE opened_on BETWEEN %(start)s AND %(end)s
    UNION SELECT establishment_id FROM activities_brandregistration
    WHERE filed_on BETWEEN %(start)s AND %(end)s
    UNION SELECT t.establishment_id FROM activities_trainee t
    JOIN activities_trainingcourse c ON c.id = t.course_id
    WHERE c.end_date BETWEEN %(start)s AND %(end)s AND t.establishment_id IS NOT NULL
    UNION SELECT we.establishment_id FROM activities_workshop_establishments we
    JOIN activities_workshop w ON w.id = we.workshop_id WHERE w.date BETWEEN %(start)s AND %(end)s
    UNION SELECT client_establishment_id FROM activities_consultingcontract
    WHERE signed_on BETWEEN %(start)s AND %(end)s AND client_establishment_id IS NOT NULL
    AND status <> 'cancelled'),
courses AS (
    SELECT SUM(participants) AS participants,
    SUM(participants) FILTER (WHERE employed_after IS NOT NULL) AS known,
    SUM(employed_after) AS employed FROM activities_trainingcourse
    WHERE end_date BETWEEN %(start)s AND %(end)s),
fairs AS (
    SELECT COUNT(*) AS rows, COUNT(DISTINCT fp.establishment_id) AS establishments
    FROM activities_fairparticipation fp JOIN activities_fair f ON f.id = fp.fair_id
    WHERE f.start_date BETWEEN %(start)s AND %(end)s),
workshops AS (
    SELECT COUNT(*) AS n, COALESCE(SUM(attendees), 0) AS attendees FROM activities_workshop
    WHERE date BETWEEN %(start)s AND %(end)s AND kind NOT IN ('study_tour', 'study_tour_abroad')),
products AS (
    SELECT r.level, COUNT(DISTINCT CASE WHEN e.product_id IS NOT NULL
        THEN 'p' || e.product_id ELSE 'e' || e.establishment_id || ':' || e.search_name END) AS n
    FROM awards_awardentry e JOIN awards_awardround r ON r.id = e.round_id
    WHERE e.certified AND e.issued_on BETWEEN %(start)s AND %(end)s GROUP BY r.level),
needs AS (
    SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE p.status IN {met}) AS met
    FROM surveys_need n LEFT JOIN programmes_project p ON p.id = n.project_id
    WHERE n.year = %(year)s)
SELECT
    (SELECT COUNT(*) FROM programmes_project
     WHERE approved_on BETWEEN %(start)s AND %(end)s) AS "projects.approved",
    (SELECT COALESCE(SUM(total), 0) FROM planned) AS "funding.planned",
    (SELECT COALESCE(SUM(total), 0) FROM planned WHERE source = 'national')
        AS "funding.planned.national",
    (SELECT COALESCE(SUM(total), 0) FROM planned WHERE source = 'local')
        AS "funding.planned.local",
    (SELECT COALESCE(SUM(total), 0) FROM disbursed) AS "funding.disbursed",
    (SELECT COALESCE(SUM(total), 0) FROM disbursed WHERE source = 'national')
        AS "funding.disbursed.national",
    (SELECT COALESCE(SUM(total), 0) FROM disbursed WHERE source = 'local')
        AS "funding.disbursed.local",
    (SELECT COUNT(*) FROM supported) AS "establishments.supported",
    (SELECT COALESCE(participants, 0) FROM courses) AS "trainees.count",
    (SELECT ROUND(100.0 * employed / NULLIF(known, 0), 1) FROM courses)
        AS "trainees.employed_percent",
    (SELECT rows FROM fairs) AS "fairs.participations",
    (SELECT establishments FROM fairs) AS "fairs.establishments",
    (SELECT COUNT(*) FROM activities_showroom
     WHERE opened_on BETWEEN %(start)s AND %(end)s) AS "showrooms.count",
    (SELECT COUNT(*) FROM activities_brandregistration
     WHERE filed_on BETWEEN %(start)s AND %(end)s) AS "brands.count",
    (SELECT COUNT(*) FROM activities_consultingcontract
     WHERE signed_on BETWEEN %(start)s AND %(end)s AND status <> 'cancelled')
        AS "consulting.contracts",
    (SELECT COALESCE(SUM(amount), 0) FROM activities_consultingreceipt
     WHERE date BETWEEN %(start)s AND %(end)s)
    + (SELECT COALESCE(SUM(value), 0) FROM activities_consultingcontract c
       WHERE signed_on BETWEEN %(start)s AND %(end)s AND status <> 'cancelled'
       AND NOT EXISTS (SELECT 1 FROM activities_consultingreceipt r WHERE r.contract_id = c.id))
        AS "consulting.revenue",
    (SELECT n FROM workshops) AS "workshops.count",
    (SELECT attendees FROM workshops) AS "workshops.attendees",
    (SELECT COUNT(*) FROM activities_communicationitem
     WHERE date BETWEEN %(start)s AND %(end)s) AS "communications.count",
    (SELECT COALESCE(SUM(n), 0) FROM products WHERE level = 'province')
        AS "awards.products.province",
    (SELECT COALESCE(SUM(n), 0) FROM products WHERE level = 'region') AS "awards.products.region",
    (SELECT COALESCE(SUM(n), 0) FROM products WHERE level = 'national')
        AS "awards.products.national",
    (SELECT COUNT(*) FROM network_collaborator WHERE appointed_on <= %(end)s
     AND (active_until IS NULL OR active_until >= %(end)s)) AS "collaborators.active",
    (SELECT n FROM needs) AS "needs.count",
    (SELECT ROUND(100.0 * met / NULLIF(n, 0), 1) FROM needs) AS "needs.met_percent"
"""


def _sql_list(states) -> str:
    """``('a', 'b')`` of these (internal, fixed) status values."""
    return "(" + ", ".join(f"'{state}'" for state in sorted(states)) + ")"


def _median_s(run, runs: int, before=None) -> float:
    timings = []
    for _ in range(runs):
        if before is not None:
            before()  # untimed
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _timed_s(run, before=None) -> float:
    if before is not None:
        before()  # untimed
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _paired_s(first, second, runs: int, before_second=None) -> tuple[float, float, float]:
    """``first`` and ``second`` timed in turn, ``runs`` times each: (the median of each, the
    median of their ratios pair by pair). Taken in turn, a change of the machine's load during
    the measurement moves both alike, which two batches one after the other do not."""
    pairs = [(_timed_s(first), _timed_s(second, before_second)) for _ in range(runs)]
    return (
        statistics.median(a for a, _b in pairs),
        statistics.median(b for _a, b in pairs),
        statistics.median(b / a for a, b in pairs),
    )


def report_against_sql(client: Client, year: int) -> dict:
    """The national annual report of ``year`` (the service ``summary.build``, and its page)
    against HAND_SQL, timed in turn: the median seconds of each, their ratio (and the median
    of the ratios pair by pair, ``report_vs_sql_pairs``), and the figures that differ
    (none expected). The report also shows the same period a year earlier: when records
    answer that year too (``RecordsSince``), the SQL computes both years."""
    resolved = resolve(Unit.parse("nation"))
    period = Period.year(year)
    since, _own = figures.records_since()
    years = [year, year - 1] if datetime.date(year - 1, 1, 1) >= since else [year]
    sql = HAND_SQL.format(planned=_sql_list(PLANNED_STATES), met=_sql_list(MET_STATES))
    found: dict = {}

    def hand() -> None:
        with connection.cursor() as cursor:
            for each in years:
                params = {"start": f"{each}-01-01", "end": f"{each}-12-31", "year": each}
                cursor.execute(sql, params)
                row = cursor.fetchone()
                if each == year:
                    found.update(zip([c[0] for c in cursor.description], row, strict=True))

    built: dict = {}

    def service() -> None:
        built.update(summary.build(resolved, period))

    page = f"/reports/?unit=nation&kind=year&year={year}"
    for run in (hand, service, lambda: client.get(page)):  # warm the database's caches
        run()
    # The report computed (its cache of figures emptied before each run, untimed): what is
    # compared with the SQL. Then as served again until a record changes (reports/cache.py).
    computed = caches["reports"].clear
    # The SQL and the computed report in turn (a pair each run), at least 7 pairs.
    sql_s, report_s, pair_ratio = _paired_s(hand, service, max(RUNS, 7), before_second=computed)
    page_s = _median_s(lambda: client.get(page), RUNS, before=computed)
    report_cached_s = _median_s(service, RUNS)
    page_cached_s = _median_s(lambda: client.get(page), RUNS)
    values = {row["code"]: row["value"] for row in built["indicators"]}
    differ = {
        code: (values.get(code), value)
        for code, value in found.items()
        if value is not None and float(values.get(code) or 0) != float(value)
    }
    return {
        "report_national_s": round(report_s, 3),
        "report_page_s": round(page_s, 3),
        "report_national_cached_s": round(report_cached_s, 4),
        "report_page_cached_s": round(page_cached_s, 3),
        "report_sql_s": round(sql_s, 3),
        "report_vs_sql": round(report_s / sql_s, 2),
        "report_vs_sql_pairs": round(pair_ratio, 2),
        "report_sql_years": years,
        "figures_compared": len(found),
        "figures_differ": differ,
    }


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
    client = Client()
    client.force_login(national)
    # This year (records answer it and the year before, which the report shows beside it),
    # then the last whole year, whose figures make the JSON line.
    for each in (this_year, year):
        compared = report_against_sql(client, each)
        print(
            f"national annual report {each}: service {compared['report_national_s'] * 1000:.0f}"
            f" ms, page {compared['report_page_s'] * 1000:.0f} ms, hand-written SQL of the same "
            f"{compared['figures_compared']} figures of {compared['report_sql_years']} "
            f"{compared['report_sql_s'] * 1000:.0f} ms: report_vs_sql {compared['report_vs_sql']}"
            f"; kept until a record changes: service "
            f"{compared['report_national_cached_s'] * 1000:.1f} ms, page "
            f"{compared['report_page_cached_s'] * 1000:.0f} ms"
        )
        if compared["figures_differ"]:
            print(f"figures that differ (report, SQL): {compared['figures_differ']}")
    print(json.dumps(compared))


if __name__ == "__main__":
    main()
