"""Benchmark of a large establishment import, as the task worker runs it (run by hand).

Generates an XLSX of BENCH_IMPORT_ROWS establishments (default 100,000) over every 2025
commune, then imports it in a separate process through the job path (core/jobs.py, the
handler of registry/jobs.py) as an administrator, and prints one JSON line: rows, seconds,
rows per second (``import_rows_per_s``), the importing process's CPU seconds (``cpu_s``: the
machine may be shared) and peak memory (``rss_mb``), file size, database.
The imported rows are removed afterwards (BENCH_IMPORT_KEEP=1 keeps them), the data versions
raised, and on PostgreSQL both tables vacuumed, so the benchmarks that follow (load.py) measure
the dataset as it was, not autovacuum catching up with 100,000 dead rows.

    .venv/bin/python bench/import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench .venv/bin/python bench/import.py
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "1")
# Two-factor authentication would send the national officer and the manager to its page.
os.environ.setdefault("REQUIRE_2FA", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
(ROOT / "var").mkdir(exist_ok=True)

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
HEADERS = ["Tên cơ sở", "Loại hình", "Mã số thuế", "Điện thoại", "Địa chỉ", "Mã xã (2025)", "Lĩnh vực khuyến công", "Năm thành lập", "Ghi chú"]  # fmt: skip
KINDS = ["Hộ kinh doanh", "Doanh nghiệp nhỏ và vừa", "Hợp tác xã", "Tổ hợp tác"]
WORDS = ["gốm sứ", "mây tre đan", "cà phê", "tàu hủ ky", "cơ khí", "đồ gỗ", "dệt thổ cẩm", "nem"]


def setup() -> None:
    import django

    django.setup()


def generate(path: Path, rows: int, tag: str) -> None:
    from django.core.management import call_command
    from openpyxl import Workbook

    from khuyencong.places.models import Commune, Province

    call_command("migrate", verbosity=0)
    if not Province.objects.exists():
        call_command("load_places", verbosity=0)
    communes = list(Commune.objects.values_list("code", flat=True))
    rng = random.Random(7)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cơ sở")
    sheet.append(HEADERS)
    for index in range(rows):
        sheet.append(
            [
                f"Cơ sở {rng.choice(WORDS)} {tag} số {index}",
                rng.choice(KINDS),
                f"0{int(tag, 16) % 1000:03d}{index:08d}",  # a 12-digit personal number
                f"09{rng.randrange(10**8):08d}",
                f"Thôn {index % 12 + 1}",
                rng.choice(communes),
                rng.choice("abcdeg"),
                rng.randrange(1990, 2025),
                "",
            ]
        )
    workbook.save(path)


def run_import(path: Path) -> dict:
    """In the child process: the import as the worker runs it; returns its figures."""
    from django.core.files.base import ContentFile

    from khuyencong.accounts.models import User
    from khuyencong.core.jobs import start_job
    from khuyencong.core.models import Job
    from khuyencong.core.roles import Role
    from khuyencong.registry.jobs import IMPORT

    admin, _ = User.objects.get_or_create(
        username="bench_importer", defaults={"role": Role.ADMIN, "is_superuser": True}
    )
    data = path.read_bytes()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    started = time.perf_counter()
    job = start_job(
        kind=IMPORT,
        actor=admin,
        params={"filename": path.name},
        input_file=ContentFile(data, name=path.name),
        inline=True,
    )
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    created = job.result.get("created", 0)
    figures = {
        "status": job.status,
        "message": job.message[:200],
        "rows": created,
        "seconds": round(seconds, 1),
        "rows_per_s": round(created / seconds) if seconds else 0,
        "import_rows_per_s": round(created / seconds) if seconds else 0,
        "cpu_s": round(resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu_before, 1),
        "rss_mb": round(rss_mb),
        "errors": len(job.result.get("errors", [])),
        "first_errors": job.result.get("errors", [])[:3],
    }
    if os.environ.get("BENCH_IMPORT_KEEP") != "1" and job.status == Job.Status.SUCCEEDED:
        from khuyencong.registry.models import Establishment

        imported = Establishment.objects.filter(created_by=admin)
        Establishment.history.filter(history_user=admin).delete()
        # Without signals: delete() would write a "deleted" history row per establishment
        # (minutes for 100,000 rows). The imported rows have nothing attached yet.
        from django.db import connection, transaction

        from khuyencong.core import dataversions

        with transaction.atomic():
            dataversions.changed_rows(imported)  # no signals: kept lists and counts dropped
            imported._raw_delete(imported.db)
        if connection.vendor == "postgresql":
            # The dataset as it was before the import: the next benchmarks (load.py) measure
            # the pages, not autovacuum catching up with 100,000 dead rows.
            with connection.cursor() as cursor:
                cursor.execute(
                    "VACUUM (ANALYZE) registry_establishment, registry_historicalestablishment"
                )
    return figures


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        setup()
        print(json.dumps(run_import(Path(sys.argv[2]))))
        return
    setup()
    from django.db import connection

    tag = f"{random.randrange(16**4):04x}"
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "co-so-100k.xlsx"
        started = time.perf_counter()
        generate(path, ROWS, tag)
        generated = time.perf_counter() - started
        connection.close()
        child = subprocess.run(  # noqa: S603 - this interpreter and this script
            [sys.executable, __file__, "--child", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            sys.stderr.write(child.stderr)
            raise SystemExit(child.returncode)
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        figures.update(
            {
                "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
                "generate_s": round(generated, 1),
                "database": connection.vendor,
            }
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
