"""Benchmarks of the registry at national scale (run by hand: `make bench`).

Fills a separate database with BENCH_ESTABLISHMENTS establishments (default 300,000) spread
over the 34 provinces, then times the pages and API calls people use most. Prints the
median of several runs and the number of queries of each. Not part of CI; the suite pins
query counts, this measures time.

    make bench                                   # SQLite under var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench make bench
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "benchmark-only")
# DEBUG serves static files without a collected manifest; it does not change the queries.
os.environ.setdefault("DEBUG", "1")
# Two-factor authentication would send the national officer and the manager to its page.
os.environ.setdefault("REQUIRE_2FA", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
(ROOT / "var").mkdir(exist_ok=True)

import django  # noqa: E402

django.setup()

from bulk import analyze, store_rows  # noqa: E402  (bench/bulk.py: COPY on PostgreSQL)
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from khuyencong.accounts.models import User  # noqa: E402
from khuyencong.core.roles import Role  # noqa: E402
from khuyencong.core.text import normalise  # noqa: E402
from khuyencong.places.models import Commune, Province  # noqa: E402
from khuyencong.registry.models import Establishment, Sector  # noqa: E402

TARGET = int(os.environ.get("BENCH_ESTABLISHMENTS", "300000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
WORDS = [
    "gốm sứ",
    "mây tre",
    "cà phê",
    "tàu hủ ky",
    "cơ khí",
    "đồ gỗ",
    "dệt",
    "chiếu",
    "nem",
    "bánh",
]
PREFIXES = ["Cơ sở", "Công ty TNHH", "Hợp tác xã", "Tổ hợp tác"]
BRANDS = ["Thành Đạt", "Phú Vinh", "Hưng Thịnh", "Minh Phát", "An Khang", "Tân Tiến", "Bà Tư"]


def fill() -> None:
    """The schema, the places and the establishments, when missing."""
    call_command("migrate", verbosity=0)
    if not Province.objects.exists():
        call_command("load_places", verbosity=0)
    fill_establishments()


FIELDS = ("name", "search_name", "kind", "commune_id", "province_id", "sector_id", "address")


def fill_establishments() -> None:
    have = Establishment.objects.count()
    if have >= TARGET:
        return
    rng = random.Random(1)
    communes = list(Commune.objects.values_list("code", "province_id"))
    sectors = list(Sector.objects.values_list("pk", flat=True))
    kinds = Establishment.Kind.values
    # normalise() of the words once: the index only appends digits.
    searchable: dict[str, str] = {}
    started = time.perf_counter()

    def rows():
        for index in range(have, TARGET):
            code, province = rng.choice(communes)
            words = f"{rng.choice(PREFIXES)} {rng.choice(WORDS)} {rng.choice(BRANDS)}"
            if words not in searchable:
                searchable[words] = normalise(words)
            yield (
                f"{words} {index}",
                f"{searchable[words]} {index}",
                rng.choice(kinds),
                code,
                province,
                rng.choice(sectors),
                f"Thôn {index % 12 + 1}",
            )

    with transaction.atomic():
        store_rows(Establishment, FIELDS, rows())
    print(f"filled {TARGET - have} establishments in {time.perf_counter() - started:.0f} s")
    analyze(Establishment)


def measure(client: Client, url: str) -> tuple[float, int, int]:
    timings = []
    queries = 0
    status = 0
    for _ in range(RUNS):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
        status = response.status_code
    return statistics.median(timings), queries, status


def main() -> None:
    fill()
    officer, _ = User.objects.get_or_create(
        username="bench_officer",
        defaults={"role": Role.PROVINCIAL_OFFICER, "province": Province.objects.get(code="66")},
    )
    national, _ = User.objects.get_or_create(
        username="bench_national", defaults={"role": Role.NATIONAL_OFFICER}
    )
    cases = [
        (officer, "province list, page 1", "/establishments/"),
        (officer, "province list, page 20", "/establishments/?page=20"),
        (officer, "province search 'tau hu ky'", "/establishments/?q=tau+hu+ky"),
        (officer, "province filter sector+status", "/establishments/?sector=a&status=active"),
        (national, "national list, page 1", "/establishments/"),
        (national, "national search 'gom su thanh dat'", "/establishments/?q=gom+su+thanh+dat"),
        (national, "national filter province 79", "/establishments/?province=79"),
        (officer, "API list, province", "/api/v1/establishments/"),
        (national, "API search, national", "/api/v1/establishments/?q=may+tre"),
    ]
    print(
        f"{Establishment.objects.count():,} establishments, {connection.vendor}, median of {RUNS}"
    )
    print(f"{'case':<40} {'ms':>8} {'queries':>8} {'status':>7}")
    for user, label, url in cases:
        client = Client()
        client.force_login(user)
        client.get(url)  # warm caches
        ms, queries, status = measure(client, url)
        print(f"{label:<40} {ms:>8.1f} {queries:>8} {status:>7}")


if __name__ == "__main__":
    main()
