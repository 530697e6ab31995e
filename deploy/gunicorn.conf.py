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
keepalive = 5
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
