"""Latency under load through the production app server (`make bench-load`; part of
`make bench-quick` and `make bench`).

Starts gunicorn with deploy/gunicorn.conf.py (DEBUG off, static files collected, the same
settings as `make serve`) on a free port of 127.0.0.1 against the benchmark database that the
other bench scripts filled (DATABASE_URL, default var/bench.sqlite3), then sends the requests
people make most — the establishment list, a search, a detail page, the plan board, the
project list, the API list, the national annual report page and its API — in three passes,
each client with its own connection and logged-in session and no pause between requests:

- ``one``: 1 client sending every case, shuffled;
- ``mixed``: BENCH_CLIENTS (20) clients at once, each sending every case, shuffled (a light
  page then waits behind report requests);
- ``case``: for each case in turn, BENCH_CLIENTS clients at once all sending that case (the
  case's own figure with 20 requests always in flight).

Prints p50 and p95 in milliseconds of each case for each pass, and ends with one JSON line:
``<case>_p95_ms`` and ``<case>_p50_ms`` from the per-case pass, ``mixed_<case>_p95_ms`` and
``mixed_<case>_p50_ms`` from the mixed pass, ``<case>_p95_1_ms`` with one client (``list``,
``search``, ``detail``, ``plan_board``, ``project_list``, ``api_list``, ``report_page``,
``report_api``), and ``worker_rss_mb``, the largest peak memory (VmHWM) of one app server
worker over every pass.

    BENCH_LOAD_ROUNDS   requests of each case per client (default 10)
    BENCH_CLIENTS       concurrent clients of the mixed and per-case passes (default 20)
    BENCH_LOAD_PASSES   the passes to run, of one, mixed, case (default all three)
    BENCH_LOAD_CASES    the cases to send, by key (default all)
    WEB_CONCURRENCY     gunicorn workers (default deploy/gunicorn.conf.py's: 2 x cores + 1)

Two-factor authentication is turned off for the benchmark's server (REQUIRE_2FA=0): the
sessions are made here, as a login would make them.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
os.environ["DEBUG"] = "0"
os.environ["REQUIRE_2FA"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
STATIC = Path(tempfile.mkdtemp(prefix="kc-bench-static-"))
os.environ["STATIC_ROOT"] = str(STATIC)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from khuyencong.accounts.models import User  # noqa: E402
from khuyencong.core.roles import Role  # noqa: E402
from khuyencong.places.models import Province  # noqa: E402
from khuyencong.programmes.models import AnnualPlan  # noqa: E402
from khuyencong.registry.models import Establishment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
PASSES = ("one", "mixed", "case")
HEADLINES = {
    "list": "establishment list, province",
    "search": "establishment search, national",
    "detail": "establishment detail",
    "plan_board": "plan board",
    "project_list": "project list, national",
    "api_list": "API list, province",
    "report_page": "national report page",
    "report_api": "national report API",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _session(user: User) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def _users() -> tuple[User, User, User]:
    province = Province.objects.get(code="66")
    officer, _ = User.objects.get_or_create(
        username="bench_officer", defaults={"role": Role.PROVINCIAL_OFFICER, "province": province}
    )
    manager, _ = User.objects.get_or_create(
        username="bench_manager", defaults={"role": Role.PROVINCIAL_MANAGER, "province": province}
    )
    national, _ = User.objects.get_or_create(
        username="bench_national", defaults={"role": Role.NATIONAL_OFFICER}
    )
    return officer, manager, national


Case = tuple[str, str, str]  # (key, session cookie, path)


def _cases() -> list[Case]:
    """(key, session cookie, path) of each case."""
    if not Establishment.objects.filter(commune__province="66").exists():
        raise SystemExit(
            "The benchmark database has no establishments: run `make bench-quick` (or the "
            "scripts of `make bench`) first, with the same DATABASE_URL."
        )
    officer, manager, national = _users()
    as_officer, as_manager, as_national = (_session(u) for u in (officer, manager, national))
    year = timezone.localdate().year
    establishment = (
        Establishment.objects.filter(commune__province="66").order_by("pk").values("pk").first()
    )
    plan = (
        AnnualPlan.objects.filter(province="66").order_by("-year").values("pk").first()
        or AnnualPlan.objects.order_by("-year").values("pk").first()
    )
    cases = [
        ("list", as_officer, "/establishments/"),
        ("search", as_national, "/establishments/?q=gom+su+thanh+dat"),
        ("detail", as_officer, f"/establishments/{establishment['pk']}/"),
        ("project_list", as_national, "/programmes/projects/"),
        ("api_list", as_officer, "/api/v1/establishments/"),
        (
            "report_page",
            as_national,
            f"/reports/?unit=nation&kind=year&year={year - 1}",
        ),
        (
            "report_api",
            as_national,
            f"/api/v1/reports/summary/?unit=nation&start={year - 1}-01-01&end={year - 1}-12-31",
        ),
    ]
    if plan:
        cases.insert(3, ("plan_board", as_manager, f"/programmes/plans/{plan['pk']}/"))
    chosen = os.environ.get("BENCH_LOAD_CASES")
    if chosen:
        keys = {key.strip() for key in chosen.split(",")}
        if keys - HEADLINES.keys():
            raise SystemExit(f"BENCH_LOAD_CASES: no case {sorted(keys - HEADLINES.keys())}")
        cases = [case for case in cases if case[0] in keys]
    return cases


SERVER_LOG = STATIC / "gunicorn.log"


def _start_server(port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = SERVER_LOG.open("wb")
    env = dict(os.environ, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESS_LOG="/dev/null")
    server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, our settings
        [str(gunicorn), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "khuyencong.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped at start-up:\n" + SERVER_LOG.read_text()[-3000:])
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def _client(port: int, cases: list[Case], out: dict[str, list[float]]) -> None:
    """One user: a keep-alive connection sending ROUNDS requests of each case, shuffled."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    work = [case for case in cases for _ in range(ROUNDS)]
    random.shuffle(work)
    for key, session, path in work:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"{HEADLINES[key]}: {path} answered {response.status}")
        out.setdefault(key, []).append(elapsed)
    connection.close()


def _pass(port: int, cases: list[Case], clients: int) -> dict[str, list[float]]:
    results: list[dict[str, list[float]]] = [{} for _ in range(clients)]
    threads = [
        threading.Thread(target=_client, args=(port, cases, results[i])) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged: dict[str, list[float]] = {}
    for result in results:
        for label, times in result.items():
            merged.setdefault(label, []).extend(times)
    return merged


def _workers_peak_mb(pid: int) -> float | None:
    """The largest peak resident memory (VmHWM) of the app server's workers (Linux /proc)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    peaks = []
    for child in children:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        peaks += [
            int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")
        ]
    return round(max(peaks), 1) if peaks else None


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _passes() -> list[str]:
    chosen = os.environ.get("BENCH_LOAD_PASSES")
    if not chosen:
        return list(PASSES)
    passes = [name.strip() for name in chosen.split(",")]
    unknown = set(passes) - set(PASSES)
    if unknown:
        raise SystemExit(f"BENCH_LOAD_PASSES: no pass {sorted(unknown)} (one, mixed, case)")
    return [name for name in PASSES if name in passes]


def _figures(merged: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    return {
        key: (statistics.median(times), _percentile(times, 0.95)) for key, times in merged.items()
    }


def main() -> None:
    passes = _passes()
    call_command("collectstatic", interactive=False, verbosity=0)
    cases = _cases()
    port = _free_port()
    server = _start_server(port)
    table: dict[str, dict[str, tuple[float, float]]] = {name: {} for name in passes}
    try:
        _pass(port, cases, 1)  # warm every worker's caches and connections
        if "one" in passes:
            table["one"] = _figures(_pass(port, cases, 1))
        if "mixed" in passes:
            table["mixed"] = _figures(_pass(port, cases, CLIENTS))
        if "case" in passes:
            for case in cases:
                table["case"].update(_figures(_pass(port, [case], CLIENTS)))
        worker_rss_mb = _workers_peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    vendor = django.db.connection.vendor
    print(
        f"{Establishment.objects.count():,} establishments, {vendor}, gunicorn "
        f"(WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', 'default')}), {ROUNDS} requests "
        f"of each case per client, {os.cpu_count()} cores, load average "
        + " ".join(f"{load:.1f}" for load in os.getloadavg())
    )
    titles = {"one": "1", "mixed": f"{CLIENTS} mixed", "case": f"{CLIENTS} same"}
    header = "".join(f" {f'p50 {titles[n]}':>12} {f'p95 {titles[n]}':>12}" for n in passes)
    print(f"{'case':<34}{header}")
    for key, _session_id, _path in cases:
        row = "".join(
            f" {table[name][key][0]:>12.1f} {table[name][key][1]:>12.1f}" for name in passes
        )
        print(f"{HEADLINES[key]:<34}{row}")
    figures: dict[str, object] = {}
    prefixes = {"case": "", "mixed": "mixed_"}
    for key, _session_id, _path in cases:
        for name in passes:
            p50, p95 = table[name][key]
            if name == "one":
                figures[f"{key}_p95_1_ms"] = round(p95, 1)
            else:
                figures[f"{prefixes[name]}{key}_p50_ms"] = round(p50, 1)
                figures[f"{prefixes[name]}{key}_p95_ms"] = round(p95, 1)
    figures.update(
        {
            "clients": CLIENTS,
            # The largest peak memory of one app server worker over every pass.
            "worker_rss_mb": worker_rss_mb,
            "database": vendor,
            "cores": os.cpu_count(),
            "load_average": [round(load, 1) for load in os.getloadavg()],
        }
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
