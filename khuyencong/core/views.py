from __future__ import annotations

import shutil
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as django_server_error

from khuyencong.core.dashboard import sections_for, todos_for
from khuyencong.core.files import serve_file
from khuyencong.core.jobs import recover_jobs, stale_before
from khuyencong.core.middleware import database_unavailable, is_database_down
from khuyencong.core.models import Job
from khuyencong.core.scoping import is_admin


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    # Each app adds its own section (core/dashboard.py), scoped to the user.
    return render(
        request,
        "core/home.html",
        {"todos": todos_for(request.user), "sections": sections_for(request.user)},
    )


def _job_for(request: HttpRequest, pk: int) -> Job:
    """A job is its creator's (an administrator may look at any)."""
    jobs = Job.objects.all()
    if not is_admin(request.user):
        jobs = jobs.filter(created_by_id=request.user.pk)
    return get_object_or_404(jobs, pk=pk)


@require_GET
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if _needs_recovery(job):
        # The owner is watching a job whose worker died or whose retry is due: take it up now
        # rather than wait for the next recover_jobs round.
        recover_jobs([job.pk])
        job.refresh_from_db()
    # django-htmx's middleware sets ``request.htmx`` on every request.
    htmx = getattr(request, "htmx", False)
    template = "core/job_progress.html" if htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@require_GET
@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _job_for(request, pk)
    return serve_file(
        request,
        job.result_file,
        filename=job.result.get("filename") or None,
        as_attachment=True,
    )


def _needs_recovery(job: Job) -> bool:
    if job.status == Job.Status.RUNNING:
        return job.heartbeat_at is not None and job.heartbeat_at < stale_before()
    if job.status == Job.Status.PENDING:
        return job.run_after is not None and job.run_after <= timezone.now()
    return False


def _check_database() -> dict[str, Any]:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_tasks(database_ok: bool) -> dict[str, Any]:
    """The task queue: workers take tasks, and no running job has lost its worker."""
    backend = settings.TASKS_BACKEND
    if not database_ok:
        return {"ok": False, "backend": backend, "error": "database unavailable"}
    cutoff = stale_before()
    try:
        stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff).count()
        waiting = 0
        if backend == "database":
            from django_tasks_db.models import DBTaskResult

            # Ready tasks nobody took for longer than the stale delay: no worker is running.
            waiting = DBTaskResult.objects.ready().filter(enqueued_at__lt=cutoff).count()
    except DatabaseError as exc:
        return {"ok": False, "backend": backend, "error": type(exc).__name__}
    return {
        "ok": not waiting and not stale,
        "backend": backend,
        "waiting_too_long": waiting,
        "stale_jobs": stale,
    }


def _check_disk() -> dict[str, Any]:
    try:
        usage = shutil.disk_usage(settings.MEDIA_ROOT)
    except OSError as exc:
        return {"ok": False, "error": exc.strerror or type(exc).__name__}
    free_mb = usage.free // (1024 * 1024)
    return {"ok": free_mb >= settings.HEALTH_MIN_FREE_MB, "free_mb": free_mb}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Whether this server can work: database, task queue, disk. 200 when all are fine, else
    503 naming what failed (load balancers and monitoring read the status code)."""
    database = _check_database()
    checks = {"database": database, "tasks": _check_tasks(database["ok"]), "disk": _check_disk()}
    failed = [name for name, check in checks.items() if not check["ok"]]
    return JsonResponse(
        {"status": "error" if failed else "ok", "failed": failed, "checks": checks},
        status=503 if failed else 200,
    )


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: a lost database is a 503 that says so, not a 500 (core/middleware.py)."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_down(exc):
        return database_unavailable(request)
    return django_server_error(request, template_name=template_name)


def _api_error(request: HttpRequest, status: int, message: str) -> JsonResponse | None:
    """Under /api/ an error Django answers itself (no route, a bad host, a failed CSRF
    check) is JSON like every other API answer, ``{"detail": …}``, not an HTML page."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"detail": message}, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/ (a path no route matches: /api/v1/aggregates/0.5/)."""
    from django.utils.translation import gettext as _
    from django.views.defaults import page_not_found as django_page_not_found

    return _api_error(request, 404, _("Not found.")) or django_page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: JSON under /api/."""
    from django.utils.translation import gettext as _
    from django.views.defaults import bad_request as django_bad_request

    return _api_error(request, 400, _("Bad request.")) or django_bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: JSON under /api/."""
    from django.utils.translation import gettext as _
    from django.views.defaults import permission_denied as django_permission_denied

    return _api_error(
        request, 403, _("You do not have permission to perform this action.")
    ) or django_permission_denied(request, exception)
