"""Background jobs: imports, exports and reports that may take a while.

One mechanism for every app (DESIGN.md, Long work):

- an app registers a handler for a job kind with ``@job_handler("registry.import")``;
- a view calls ``start_job(kind=..., actor=..., params=..., inline=...)``, which records a
  ``Job`` row and, after the transaction commits, enqueues ``run_job_task`` with the job's id
  (tasks take ids, never objects: pretix, zulip ``send_event_on_commit``);
- without a worker (``TASKS_BACKEND=immediate``, the default) the task runs right away in the
  same process; with ``TASKS_BACKEND=database`` a ``manage.py db_worker`` process picks it up;
- the handler reports progress through ``JobProgress`` and finishes by setting ``job.result``
  and maybe a result file (``write_result_file``), or by raising ``JobFailed`` with the errors
  to show.

Faults (docs/jobs.md, Faults):

- the handler and the row that marks the job finished commit in ONE transaction, after
  checking that this run still owns the job (``attempts`` unchanged): an import's rows exist
  exactly when its job says "finished", and a run that lost its job rolls back;
- a running job writes a heartbeat (a thread with its own connection on PostgreSQL, the
  progress writes elsewhere); ``recover_jobs`` gives a job whose heartbeat stopped (its worker
  died) to another worker, locking it with ``select_for_update(skip_locked=True)``;
- an unexpected error is retried with exponential backoff up to ``JOB_MAX_ATTEMPTS`` runs,
  the reason shown on the job page; ``JobFailed`` (the user's input) is never retried;
- result files are written under a name fixed by the job (a rerun replaces, never adds) to a
  temporary file first and renamed into place, so a full disk leaves no partial file.

The job page (core:job-detail) polls the job's progress with htmx until it finishes.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

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


class JobLost(Exception):
    """This run no longer owns its job (another worker took it over): roll back."""


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


# Writing progress and heartbeats -----------------------------------------------------------


class _Reporter:
    """Writes a running job's progress and heartbeat where other connections see them.

    The handler runs inside one transaction, so on PostgreSQL its own writes would stay
    invisible until the end (and would lock the job row): progress and heartbeats go through
    a second connection in autocommit, and a thread beats every ``JOB_HEARTBEAT_SECONDS``
    even while a handler is busy without progress (rendering a file). SQLite has one writer at
    a time, so there the main connection writes them.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self._lock = threading.Lock()
        self._side: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if connection.vendor == "postgresql":
            self._side = connections.create_connection("default")
            # Used by this thread (progress) and the heartbeat thread, one at a time (the
            # lock): without this Django refuses it in the other thread, and no beat is written.
            self._side.inc_thread_sharing()
            interval = settings.JOB_HEARTBEAT_SECONDS
            if interval > 0:
                self._thread = threading.Thread(
                    target=self._beat, args=(interval,), name=f"job-{job.pk}-heartbeat", daemon=True
                )
                self._thread.start()

    def write(self, **fields: Any) -> None:
        fields["heartbeat_at"] = timezone.now()
        with self._lock:
            if self._side is not None and self._side_update(fields):
                return
        # SQLite, or a job row this run's own transaction has not committed (tests): the
        # main connection.
        Job.objects.filter(pk=self.job.pk, attempts=self.job.attempts).update(**fields)

    def _side_update(self, fields: dict[str, Any]) -> bool:
        columns = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in fields)
        sql = f"UPDATE {Job._meta.db_table} SET {columns} WHERE id = %s AND attempts = %s"  # noqa: S608
        try:
            with self._side.cursor() as cursor:
                cursor.execute(sql, [*fields.values(), self.job.pk, self.job.attempts])
                return cursor.rowcount > 0
        except DatabaseError:
            logger.warning("Job %s: could not write its progress", self.job.pk, exc_info=True)
            return False

    def _beat(self, interval: float) -> None:
        while not self._stop.wait(interval):
            with self._lock:
                self._side_update(
                    {"heartbeat_at": timezone.now(), "progress_done": self.job.progress_done}
                )

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        side, self._side = self._side, None
        if side is not None:  # closed once, though close() may be called again
            side.close()
            side.dec_thread_sharing()


class JobProgress:
    """Writes progress every ``step`` items so a large import does not write every row."""

    def __init__(self, job: Job, total: int, step: int = 100, *, exact: bool = True) -> None:
        self.job = job
        self.exact = exact
        self.step = max(1, step)
        job.progress_total = total
        job.progress_done = 0
        self._write(progress_total=total, progress_done=0)

    def advance(self, count: int = 1) -> None:
        before = self.job.progress_done
        done = before + count
        # An estimated total (a streamed file) may be short: never clamp below what is done.
        self.job.progress_done = min(self.job.progress_total, done) if self.exact else done
        if self.job.progress_done // self.step != before // self.step:
            self._write(progress_done=self.job.progress_done)

    def _write(self, **fields: Any) -> None:
        reporter = getattr(self.job, "_reporter", None)
        if reporter is not None:
            reporter.write(**fields)
        else:  # a handler called outside run_job (tests, shell)
            Job.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now(), **fields)


# Result files ------------------------------------------------------------------------------


def result_name(job: Job, filename: str) -> str:
    """Where a job's result file lives: fixed by the job, so a rerun replaces it."""
    return f"jobs/out/{job.pk}/{PurePath(filename).name}"


def write_result_file(job: Job, filename: str, content: bytes) -> None:
    """Store ``content`` as the job's result file, all of it or nothing.

    The bytes go to a temporary file in the same folder, are flushed to disk and renamed over
    the final name (``os.replace`` is atomic): a full disk or a crash leaves the previous
    state, never a truncated file. Storages without local paths (object storage) write whole
    objects anyway.
    """
    name = result_name(job, filename)
    storage = job.result_file.storage
    try:
        path = Path(storage.path(name))
    except NotImplementedError:
        storage.delete(name)
        job.result_file.name = storage.save(name, ContentFile(content))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private (0600); give it the permissions of every other
        # upload (FILE_UPLOAD_PERMISSIONS), so that nginx, another user sending it through
        # X-Accel-Redirect (docs/deploy.md), can read it.
        os.chmod(temporary, storage.file_permissions_mode or 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    job.result_file.name = name


# Starting and running ----------------------------------------------------------------------


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
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


@task()
def run_job_task(job_id: int) -> None:
    run_job(job_id)


def _enqueue(job_id: int, run_after: Any = None) -> None:
    if run_after is not None and default_task_backend.supports_defer:
        run_job_task.using(run_after=run_after).enqueue(job_id)
    elif run_after is None or run_after <= timezone.now():
        run_job_task.enqueue(job_id)
    # else: a backend without deferred tasks; recover_jobs starts it when it is due.


def run_job(job_id: int) -> None:
    """Run a pending job that is due; a job already taken, finished or not yet due is left alone."""
    now = timezone.now()
    claimed = (
        Job.objects.filter(pk=job_id, status=Job.Status.PENDING)
        .filter(Q(run_after__isnull=True) | Q(run_after__lte=now))
        .update(
            status=Job.Status.RUNNING,
            attempts=F("attempts") + 1,
            heartbeat_at=now,
            run_after=None,
        )
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    reporter = _Reporter(job)
    # The running handler's reporter rides on the job instance it is given (JobProgress reads
    # it).
    job._reporter = reporter  # type: ignore[attr-defined]  # not a model field
    handler = _HANDLERS[job.kind]
    try:
        with transaction.atomic():
            handler(job)
            reporter.close()
            # The effect and the "finished" mark commit together, if this run still owns it.
            owned = Job.objects.select_for_update().filter(
                pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts
            )
            if not owned.exists():
                raise JobLost
            _finish(
                job,
                status=Job.Status.SUCCEEDED,
                message=job.message,
                result=job.result,
                result_file=job.result_file.name or "",
                progress_done=max(job.progress_total, job.progress_done),
                progress_total=max(job.progress_total, job.progress_done),
            )
    except JobLost:
        logger.warning("Job %s (%s) was taken over by another worker", job.pk, job.kind)
    except JobFailed as failure:
        _finish(job, status=Job.Status.FAILED, message=failure.message, result=failure.result)
    except Exception as exc:
        logger.exception("Job %s (%s) crashed (attempt %s)", job.pk, job.kind, job.attempts)
        _retry_or_fail(job, _reason(exc))
    finally:
        reporter.close()


def _finish(job: Job, **fields: Any) -> None:
    fields.setdefault("finished_at", timezone.now())
    fields["heartbeat_at"] = timezone.now()
    Job.objects.filter(pk=job.pk, attempts=job.attempts).update(**fields)


def _reason(exc: BaseException) -> str:
    """What the user is told about an unexpected error (never its internals)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("The server's disk is full, so the file could not be written; nothing was kept.")
    if isinstance(exc, DatabaseError):
        return _("The database could not be reached or refused the work.")
    return _("The job stopped on an unexpected error.")


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff: the base delay, doubled after each failed attempt."""
    return timedelta(seconds=settings.JOB_RETRY_SECONDS * 2 ** max(0, attempt - 1))


def _retry_or_fail(job: Job, reason: str) -> None:
    limit = settings.JOB_MAX_ATTEMPTS
    if job.attempts < limit:
        when = timezone.now() + retry_delay(job.attempts)
        message = _(
            "Attempt %(attempt)s of %(limit)s failed: %(reason)s It will be tried again at "
            "%(time)s. Nothing was changed."
        ) % {
            "attempt": job.attempts,
            "limit": limit,
            "reason": reason,
            "time": date_format(timezone.localtime(when), "H:i d/m/Y"),
        }
        updated = Job.objects.filter(pk=job.pk, attempts=job.attempts).update(
            status=Job.Status.PENDING, run_after=when, message=message, heartbeat_at=None
        )
        if updated:
            transaction.on_commit(lambda: _enqueue(job.pk, run_after=when))
        return
    message = _("The job failed %(count)s times: %(reason)s Nothing was changed.") % {
        "count": job.attempts,
        "reason": reason,
    }
    _finish(job, status=Job.Status.FAILED, message=message)


# Recovery ----------------------------------------------------------------------------------


def stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)


def recover_jobs(job_ids: list[int] | None = None) -> list[int]:
    """Take up jobs whose worker died and retries that are due; return the jobs (re)queued.

    A running job whose heartbeat is older than ``JOB_STALE_SECONDS`` lost its worker: it is
    put back to pending (or failed, after ``JOB_MAX_ATTEMPTS`` runs) under a row lock that
    concurrent recoverers skip, and queued again. Pending jobs that are due (a retry whose
    time has come, or a job waiting longer than the stale delay, whose task may be lost) are
    queued again too: running a job claims it, so queueing one twice runs it once.
    """
    now = timezone.now()
    cutoff = stale_before()
    requeue: list[int] = []
    with transaction.atomic():
        stale = Job.objects.select_for_update(skip_locked=True).filter(
            status=Job.Status.RUNNING, heartbeat_at__lt=cutoff
        )
        if job_ids is not None:
            stale = stale.filter(pk__in=job_ids)
        for job in stale:
            reason = _("The worker running it stopped.")
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                job.status = Job.Status.FAILED
                job.finished_at = now
                job.message = _(
                    "The job failed %(count)s times: %(reason)s Nothing was changed."
                ) % {
                    "count": job.attempts,
                    "reason": reason,
                }
            else:
                job.status = Job.Status.PENDING
                job.run_after = now
                job.message = _(
                    "Attempt %(attempt)s of %(limit)s failed: %(reason)s It was started again."
                ) % {"attempt": job.attempts, "limit": settings.JOB_MAX_ATTEMPTS, "reason": reason}
                requeue.append(job.pk)
            job.heartbeat_at = None
            job.save(
                update_fields=["status", "run_after", "message", "heartbeat_at", "finished_at"]
            )
        due = Job.objects.filter(status=Job.Status.PENDING).filter(
            Q(run_after__lte=now) | Q(run_after__isnull=True, created_at__lt=cutoff)
        )
        if job_ids is not None:
            due = due.filter(pk__in=job_ids)
        requeue.extend(pk for pk in due.values_list("pk", flat=True) if pk not in requeue)
    for pk in requeue:
        _enqueue(pk)
    if requeue:
        logger.info("Jobs queued again: %s", requeue)
    return requeue
