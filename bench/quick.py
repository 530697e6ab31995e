"""`make bench-quick` and `make bench`: every benchmark of bench/, then one JSON line of the
headline figures (run by hand).

`make bench-quick` (no argument) uses its own database (var/bench-quick.sqlite3 unless
DATABASE_URL is set) with BENCH_ESTABLISHMENTS=20,000 and matching small counts of projects,
survey responses, collaborators and activities and a 20,000-row import (a few minutes).
`make bench` (``--national``) uses the national counts of each script (300,000
establishments, 60,000 projects, …; BENCH_* variables still apply) and var/bench.sqlite3
unless DATABASE_URL is set.

First bench/generate.py fills what is missing and times each part (``generate_s``, 0 when the
database was already filled; ``generate_parts``), then each script's table is printed as it
runs, then bench/import.py and bench/load.py (p50/p95 through gunicorn with 1 client, 20
clients sending every case and 20 clients sending the same case). The last line is JSON: the
median milliseconds of the headline cases (one client, median of BENCH_RUNS), the national
annual report's service and page seconds against hand-written SQL of the same figures
(``report_national_s``, ``report_page_s``, ``report_sql_s``, ``report_vs_sql``, from
bench/reports.py), the p95 of each case with 20 clients all sending that case
(``<case>_p95_ms``) and with 20 clients sending every case (``mixed_<case>_p95_ms``, both
from bench/load.py), the import rate and peak memory (bench/import.py), ``generate_s`` and the
total time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SMALL = {
    "BENCH_ESTABLISHMENTS": "20000",
    "BENCH_PROJECTS": "3000",
    "BENCH_RESPONSES": "5000",
    "BENCH_APPLICATIONS": "1000",
    "BENCH_COLLABORATORS": "400",
    "BENCH_TRAININGS": "3000",
    "BENCH_RUNS": "3",
    "BENCH_IMPORT_ROWS": "20000",
}
# generate.py first (it fills and times), load.py last: it needs what the others filled.
SCRIPTS = [
    "generate.py",
    "run.py",
    "programmes.py",
    "surveys.py",
    "network.py",
    "activities.py",
    "reports.py",
]
LINE = re.compile(r"^(?P<label>\S.*?)\s+(?P<ms>\d+\.\d)\s+(?P<queries>\d+)\s+(?P<status>\d{3})$")
HEADLINES = {
    "list_ms": "province list, page 1",
    "search_ms": "national search 'gom su thanh dat'",
    "api_list_ms": "API list, province",
    "project_list_ms": "national project list",
    "plan_board_ms": "plan board (this year, national)",
}


def _run(script: str, env: dict[str, str], echo: bool = True) -> str:
    """Run one bench script with this interpreter; its output (printed unless echo is off),
    or stop with the end of its errors."""
    print(f"== {script}", flush=True)
    run = subprocess.run(  # noqa: S603 - this interpreter, our scripts
        [sys.executable, str(ROOT / script)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if echo:
        sys.stdout.write(run.stdout)
    if run.returncode != 0:
        sys.stderr.write(run.stderr[-3000:])
        raise SystemExit(f"{script} failed")
    return run.stdout


def _last_json(output: str) -> dict:
    lines = output.strip().splitlines()
    return json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}


def main() -> None:
    national = "--national" in sys.argv[1:]
    env = dict(os.environ)
    if national:
        env.setdefault("BENCH_RUNS", "5")
        env.setdefault("DATABASE_URL", f"sqlite:///{ROOT.parent / 'var' / 'bench.sqlite3'}")
    else:
        for key, value in SMALL.items():
            env.setdefault(key, value)
        env.setdefault("DATABASE_URL", f"sqlite:///{ROOT.parent / 'var' / 'bench-quick.sqlite3'}")
    started = time.perf_counter()
    cases: dict[str, float] = {}
    found: dict[str, dict] = {}
    for script in SCRIPTS:
        output = _run(script, env)
        found[script] = _last_json(output)
        for line in output.splitlines():
            match = LINE.match(line.strip())
            if match:
                cases[match["label"].strip()] = float(match["ms"])
    imported = json.loads(_run("import.py", env, echo=False).strip().splitlines()[-1])
    print(json.dumps(imported))
    load = json.loads(_run("load.py", env).strip().splitlines()[-1])
    report_api = next(
        (ms for label, ms in cases.items() if label.startswith("API national report 20")), None
    )
    generated = found["generate.py"]
    compared = found["reports.py"]
    figures = {key: cases.get(label) for key, label in HEADLINES.items()}
    figures.update(
        {
            "report_national_ms": report_api,
            **{
                key: compared.get(key)
                for key in (
                    "report_national_s",
                    "report_page_s",
                    "report_sql_s",
                    "report_vs_sql",
                    "report_vs_sql_pairs",
                    "report_national_cached_s",
                    "report_page_cached_s",
                )
            },
            "generate_s": generated.get("generate_s"),
            "generate_parts": generated.get("parts"),
            "import_rows_per_s": imported.get("import_rows_per_s", imported.get("rows_per_s")),
            "import_rows": imported.get("rows"),
            "rss_mb": imported.get("rss_mb"),
            "database": imported.get("database"),
            "establishments": generated.get("establishments"),
            "projects": generated.get("projects"),
            "scale": "national" if national else "quick",
            "statistic": f"median of {env['BENCH_RUNS']}, one client",
            # Through gunicorn, p95 with BENCH_CLIENTS (20) clients at once (bench/load.py):
            # <case>_p95_ms all sending the same case, mixed_<case>_p95_ms every case.
            **{key: value for key, value in load.items() if key.endswith("_p95_ms")},
            "clients": load.get("clients"),
            "worker_rss_mb": load.get("worker_rss_mb"),
            "total_s": round(time.perf_counter() - started),
        }
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
