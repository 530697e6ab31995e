"""Background jobs: imports, exports and reports that may take a while.

One mechanism for every app (DESIGN.md, Long work):

- an app registers a handler for a job kind with ``@job_handler("registry.import")``;
- a view calls ``start_job(kind=..., actor=..., params=..., inline=...)``, which records a
  ``Job`` row and, after the transaction commits, enqueues ``run_job_task`` with the job's id
  (tasks take ids, never objects: pretix, zulip ``send_event_on_commit``);
- without a worker (``TASKS_BACKEND=immediate``, the default) the task runs right away in the
  same process; with ``TASKS_BACKEND=database`` a ``manage.py db_worker`` process picks it up;
- the handler reports progress through ``JobProgress`` and finishes by setting ``job.result``
  and maybe ``job.result_file``, or by raising ``JobFailed`` with the errors to show.

The job page (core:job-detail) polls the job's progress with htmx until it finishes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from khuyencong.core.models import Job

logger = logging.getLogger(__name__)

Handler = Callable[[Job], None]
_HANDLERS: dict[str, Handler] = {}


class JobFailed(Exception):
    """Raised by a handler: the job ends as failed with this message and result (errors)."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result or {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


class JobProgress:
    """Writes progress every ``step`` items so a large import does not write every row."""

    def __init__(self, job: Job, total: int, step: int = 100) -> None:
        self.job = job
        self.step = max(1, step)
        job.progress_total = total
        job.progress_done = 0
        job.save(update_fields=["progress_total", "progress_done"])

    def advance(self, count: int = 1) -> None:
        before = self.job.progress_done
        self.job.progress_done = min(self.job.progress_total, before + count)
        if self.job.progress_done // self.step != before // self.step:
            self._write()

    def _write(self) -> None:
        # Outside the handler's transaction would be better, but the job row is tiny and
        # the database backend runs each job in its own connection anyway.
        Job.objects.filter(pk=self.job.pk).update(progress_done=self.job.progress_done)


def start_job(
    *,
    kind: str,
    actor: Any,
    params: dict[str, Any] | None = None,
    input_file: Any = None,
    inline: bool = False,
) -> Job:
    """Record a job and run it: now (``inline=True``) or after commit through the task queue."""
    if kind not in _HANDLERS:
        raise KeyError(f"No job handler registered for {kind!r}")
    job = Job(kind=kind, created_by=actor, params=params or {})
    if input_file is not None:
        job.input_file.save(getattr(input_file, "name", "input"), input_file, save=False)
    job.save()
    if inline:
        run_job(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: run_job_task.enqueue(job.pk))
    return job


@task()
def run_job_task(job_id: int) -> None:
    run_job(job_id)


def run_job(job_id: int) -> None:
    """Run a pending job exactly once; a job already started or finished is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    handler = _HANDLERS[job.kind]
    try:
        handler(job)
    except JobFailed as failure:
        job.status = Job.Status.FAILED
        job.message = failure.message
        job.result = failure.result
    except Exception:
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        job.status = Job.Status.FAILED
        job.message = _("The job stopped on an unexpected error. Nothing was changed.")
    else:
        job.status = Job.Status.SUCCEEDED
        job.progress_done = job.progress_total
    job.finished_at = timezone.now()
    job.save()
