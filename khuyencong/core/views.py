from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from khuyencong.core.dashboard import sections_for, todos_for
from khuyencong.core.files import serve_file
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
    jobs = Job.objects.all() if is_admin(request.user) else request.user.jobs.all()
    return get_object_or_404(jobs, pk=pk)


@require_GET
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    template = "core/job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@require_GET
@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return serve_file(
        request,
        job.result_file,
        filename=job.result.get("filename") or None,
        as_attachment=True,
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
