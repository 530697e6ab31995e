"""gunicorn settings of the khuyến công app server (docs/deploy.md).

One file for every way the app is served: `make serve` (deploy/serve.sh), the systemd unit
(deploy/systemd/khuyencong-app.service) and the container (deploy/Dockerfile). Every value
comes from the environment (deploy/khuyencong.env.example documents each):

- ``GUNICORN_BIND``: where to listen (default ``127.0.0.1:8000``; nginx proxies to it);
- ``WEB_CONCURRENCY``: worker processes (default 2 × CPU cores + 1, at most
  ``GUNICORN_MAX_WORKERS``, default 8: each worker holds its own database connections);
- ``GUNICORN_THREADS``: threads per worker (default 2), so a slow client or a slow query
  does not stall a whole process;
- ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is restarted
  (default 120; long reports and large imports and exports run in the task worker);
- ``GUNICORN_KEEPALIVE``: seconds a connection is kept open after an answer (default 0:
  closed, so each request goes to a free worker; see below);
- ``GUNICORN_ACCESS_LOG``: ``-`` (default, standard output) or a file.

``SIGTERM`` stops gracefully: requests in progress finish (``graceful_timeout``), then the
workers exit; ``SIGHUP`` reloads the code with new workers and no request lost.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, not {raw!r}") from exc
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, not {value}")
    return value


def _int0(name: str, default: int) -> int:
    """``_int`` that accepts 0."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise SystemExit(f"{name} must be a whole number of seconds, not {raw!r}")
    return int(raw)


def default_workers(cores: int | None = None, cap: int | None = None) -> int:
    """2 × cores + 1 (gunicorn's advice), at most ``GUNICORN_MAX_WORKERS``."""
    if cores is None:
        # The cores this process may use (a container or a CPU set may allow fewer).
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    cap = cap or _int("GUNICORN_MAX_WORKERS", 8)
    return min(2 * cores + 1, cap)


wsgi_app = "khuyencong.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = _int("WEB_CONCURRENCY", default_workers())
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 2)
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Fair queueing (docs/performance.md, under load): a connection kept alive stays with the
# worker that accepted it, so with clients (or nginx's upstream pool) holding connections a
# busy worker kept queueing requests while another sat idle — 20 clients at once waited a
# p95 of 3–5 s for pages whose p50 was 0.5 s. Connections are closed after each answer
# (``GUNICORN_KEEPALIVE``, seconds, 0 by default: a new loopback connection costs ~0.1 ms)
# and a worker accepts one only when a thread is free (``worker_connections``), so the
# next request goes to whichever worker can answer it now.
keepalive = _int0("GUNICORN_KEEPALIVE", 0)
worker_connections = threads if keepalive == 0 else 1000
# A worker is replaced after this many requests (with jitter, not all at once): memory a
# long-lived process gathered is given back.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max(1, max_requests // 10)
# Workers' heartbeat files in memory, not on a disk that may stall (containers included).
SHM = "/dev/shm"  # noqa: S108 (a directory, not a file name anyone could guess)
if os.path.isdir(SHM):
    worker_tmp_dir = SHM
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Request time in milliseconds at the end of each access line.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
proc_name = "khuyencong"
