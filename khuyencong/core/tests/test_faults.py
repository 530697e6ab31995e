"""Faults survived (issue 14, item 5): lost database connections, a database that is down,
a worker that died, errors retried with backoff, a full disk during an export."""

from __future__ import annotations

import datetime
import errno
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.signals import request_started
from django.db import OperationalError, connection, connections
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.core import jobs
from khuyencong.core.jobs import (
    JobProgress,
    job_handler,
    recover_jobs,
    retry_delay,
    run_job,
    start_job,
    write_result_file,
)
from khuyencong.core.models import Job
from khuyencong.core.views import server_error

# serialized_rollback: the browser tests that may follow in this process expect the content
# types restored from the serialized copy, not recreated by a flush.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)
on_postgresql = pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL",
)

effects: list[int] = []
failures_left: dict[int, int] = {}


@pytest.fixture(autouse=True)
def reset(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # result files are named by job id, and ids restart
    effects.clear()
    failures_left.clear()


@job_handler("test.effect")
def _effect(job: Job) -> None:
    """Creates a user: an effect in the database that must happen once."""
    User.objects.create(username=f"effect-{job.pk}-{job.attempts}")
    effects.append(job.pk)
    job.result = {"done": True}


@job_handler("test.flaky")
def _flaky(job: Job) -> None:
    left = failures_left.get(job.pk, 0)
    if left:
        failures_left[job.pk] = left - 1
        raise RuntimeError("temporary trouble")
    effects.append(job.pk)


@job_handler("test.taken-over")
def _taken_over(job: Job) -> None:
    User.objects.create(username=f"lost-{job.pk}")
    # Meanwhile another worker took the job over (this run was thought dead).
    Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)


@job_handler("test.file")
def _file(job: Job) -> None:
    write_result_file(job, "danh-sach.csv", b"a,b\r\n" * 1000)
    job.result = {"filename": "danh-sach.csv"}


def _pending(kind: str, actor) -> Job:
    return Job.objects.create(kind=kind, created_by=actor)


def _as_if_worker_died(job: Job, minutes: int = 10) -> None:
    """The state a killed worker leaves: running, one attempt, no heartbeat for a while."""
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes),
    )


# Database connections ------------------------------------------------------------------------


def test_connections_are_health_checked_and_persistent_in_production(monkeypatch):
    import runpy

    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    production = runpy.run_path(str(Path(django_settings.BASE_DIR) / "khuyencong" / "settings.py"))
    database = production["DATABASES"]["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] > 0


@on_postgresql
@transactional
def test_a_connection_that_went_bad_is_opened_again_at_the_next_request(monkeypatch):
    client = Client()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    assert client.get("/healthz/").status_code == 200
    first = connection.connection
    assert first is not None  # kept open for the next request
    # The server drops the connection (a restart, a proxy's idle timeout).
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [first.info.backend_pid])
    finally:
        killer.close()
    # What a real server does when a request starts (the test client skips it).
    request_started.send(sender=None)
    response = client.get("/healthz/")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["database"]["ok"] is True
    assert connection.connection is not first
    connection.close()


# The database down -----------------------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    """No database: a closed port on PostgreSQL; on SQLite (an in-memory test database
    that cannot be closed) every new cursor fails as an unreachable file would."""
    if connection.vendor == "postgresql":
        connection.close()
        monkeypatch.setitem(connection.settings_dict, "PORT", "1")
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    else:

        def unreachable(self, *args, **kwargs):
            raise OperationalError("unable to open database file")

        monkeypatch.setattr(type(connections["default"]), "create_cursor", unreachable)
    yield
    monkeypatch.undo()
    connection.close()


def test_healthz_names_what_works(db):
    response = Client().get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "tasks", "disk"}


@transactional
def test_healthz_answers_503_json_when_the_database_is_down(database_down):
    response = Client().get("/healthz/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "error"
    assert "database" in body["failed"]
    assert "tasks" in body["failed"]
    assert "disk" not in body["failed"]


def test_healthz_names_a_full_disk(db, settings):
    settings.HEALTH_MIN_FREE_MB = 10**12
    response = Client().get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["disk"]


def test_healthz_names_a_task_queue_with_a_dead_worker(officer_a):
    _as_if_worker_died(_pending("test.effect", officer_a))
    response = Client().get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["tasks"]
    assert response.json()["checks"]["tasks"]["stale_jobs"] == 1


def test_healthz_names_tasks_nobody_takes(db, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS_BACKEND = "database"
    DBTaskResult.objects.create(
        task_path="khuyencong.core.jobs.run_job_task",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        priority=0,
    )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))
    response = Client().get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["tasks"]
    assert response.json()["checks"]["tasks"]["waiting_too_long"] == 1


@transactional
def test_a_page_answers_a_clear_503_in_vietnamese_when_the_database_is_down(database_down):
    # The session is read by a middleware (idle sessions end) before any view runs, so the
    # error reaches handler500 as it would in production, not the view middleware.
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-the-database-would-hold"
    response = client.get("/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Hệ thống tạm thời không kết nối được cơ sở dữ liệu" in page
    assert "<h1>Hệ thống tạm thời gián đoạn</h1>" in page
    assert response["Retry-After"] == "30"
    # Styled from the static sheet, under the same Content-Security-Policy as every page.
    assert "<style" not in page and "/static/core/app.css" in page
    assert "style-src 'self'" in response["Content-Security-Policy"]


@transactional
def test_the_api_answers_503_json_when_the_database_is_down(database_down):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-the-database-would-hold"
    response = client.get("/api/v1/establishments/")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_a_database_error_outside_a_view_is_a_503_too():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


# A worker that died ----------------------------------------------------------------------------


def test_a_job_whose_worker_died_is_taken_up_again_and_its_effect_happens_once(officer_a):
    job = _pending("test.effect", officer_a)
    _as_if_worker_died(job)  # its transaction died with it: nothing was written
    assert recover_jobs() == [job.pk]  # the immediate backend runs it at once
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 2
    assert effects == [job.pk]
    assert recover_jobs() == []
    run_job(job.pk)  # the lost task arriving late changes nothing
    assert effects == [job.pk]
    assert User.objects.filter(username__startswith=f"effect-{job.pk}-").count() == 1


def test_a_job_with_a_live_worker_is_left_alone(officer_a):
    job = _pending("test.effect", officer_a)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    assert recover_jobs() == []
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert effects == []


def test_a_run_that_lost_its_job_rolls_back_its_effect(officer_a):
    job = start_job(kind="test.taken-over", actor=officer_a, inline=True)
    assert not User.objects.filter(username=f"lost-{job.pk}").exists()
    assert job.status == Job.Status.RUNNING  # left to the run that owns it now


def test_a_dead_worker_job_that_used_all_its_attempts_fails_with_the_reason(officer_a, settings):
    settings.JOB_MAX_ATTEMPTS = 1
    job = _pending("test.effect", officer_a)
    _as_if_worker_died(job)
    assert recover_jobs() == []
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Tiến trình xử lý công việc đã dừng đột ngột" in job.message
    assert effects == []


def test_the_job_page_takes_up_a_job_whose_worker_died(officer_a, client_for):
    job = _pending("test.effect", officer_a)
    _as_if_worker_died(job)
    page = client_for(officer_a).get(reverse("core:job-detail", args=[job.pk]))
    assert page.status_code == 200
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert effects == [job.pk]


def test_progress_is_a_heartbeat(officer_a):
    job = _pending("test.effect", officer_a)
    _as_if_worker_died(job)
    job.refresh_from_db()
    old = job.heartbeat_at
    progress = JobProgress(job, total=10, step=1)
    progress.advance()
    job.refresh_from_db()
    assert job.heartbeat_at > old
    assert job.progress_done == 1


@on_postgresql
@transactional
def test_recovery_skips_a_job_another_recoverer_has_locked(officer_a):
    job = _pending("test.effect", officer_a)
    _as_if_worker_died(job)
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM core_job WHERE id = %s FOR UPDATE", [job.pk])
        assert recover_jobs() == []  # skip_locked: no waiting, no double take-over
        job.refresh_from_db()
        assert job.status == Job.Status.RUNNING
        other.rollback()
    finally:
        other.close()
    assert recover_jobs() == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert effects == [job.pk]


@on_postgresql
@transactional
def test_a_running_job_beats_and_shows_progress_through_its_own_connection(officer_a, settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    seen: list[tuple] = []

    @job_handler("test.slow")
    def _slow(job: Job) -> None:
        progress = JobProgress(job, total=4, step=1)
        progress.advance(2)
        claimed = job.heartbeat_at
        import time

        time.sleep(0.3)
        watcher = connections.create_connection("default")
        try:
            with watcher.cursor() as cursor:
                cursor.execute(
                    "SELECT progress_done, heartbeat_at FROM core_job WHERE id = %s", [job.pk]
                )
                seen.append((*cursor.fetchone(), claimed))
        finally:
            watcher.close()

    job = start_job(kind="test.slow", actor=officer_a, inline=True)
    assert job.status == Job.Status.SUCCEEDED
    done, heartbeat, claimed = seen[0]
    assert done == 2  # seen by others while the handler's transaction is still open
    assert heartbeat > claimed


@on_postgresql
@transactional
def test_a_busy_job_without_progress_keeps_beating(officer_a, settings, caplog):
    """A handler busy for longer than the heartbeat (rendering a file) writes no progress: the
    reporter's thread beats for it, through the connection it shares with the main thread."""
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    beats: list = []

    def heartbeat(job_pk: int) -> Any:
        watcher = connections.create_connection("default")
        try:
            with watcher.cursor() as cursor:
                cursor.execute("SELECT heartbeat_at FROM core_job WHERE id = %s", [job_pk])
                return cursor.fetchone()[0]
        finally:
            watcher.close()

    @job_handler("test.busy")
    def _busy(job: Job) -> None:
        import time

        time.sleep(0.2)
        beats.append(heartbeat(job.pk))
        time.sleep(0.3)
        beats.append(heartbeat(job.pk))

    with caplog.at_level("WARNING", logger="khuyencong.core.jobs"):
        job = start_job(kind="test.busy", actor=officer_a, inline=True)
    assert job.status == Job.Status.SUCCEEDED
    assert beats[0] is not None and beats[1] > beats[0]
    assert "could not write its progress" not in caplog.text


# Retries with backoff --------------------------------------------------------------------------


def test_a_failed_job_is_retried_with_backoff_and_the_user_sees_why(officer_a, client_for):
    job = _pending("test.flaky", officer_a)
    failures_left[job.pk] = 2
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    first_wait = job.run_after - timezone.now()
    assert datetime.timedelta(seconds=25) < first_wait <= datetime.timedelta(seconds=30)
    assert "Lần chạy thứ 1/3 không thành công" in job.message
    assert "lỗi ngoài dự kiến" in job.message
    page = client_for(officer_a).get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "Lần chạy thứ 1/3 không thành công" in page
    assert "msg-warning" in page

    run_job(job.pk)  # not due yet
    assert job.run_after > timezone.now()
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert recover_jobs() == [job.pk]
    job.refresh_from_db()
    second_wait = job.run_after - timezone.now()
    assert datetime.timedelta(seconds=55) < second_wait <= datetime.timedelta(seconds=60)
    assert "Lần chạy thứ 2/3" in job.message

    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    recover_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 3
    assert effects == [job.pk]


def test_backoff_doubles(settings):
    settings.JOB_RETRY_SECONDS = 10
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]


def test_a_job_failing_every_time_ends_failed_with_the_reason(officer_a, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = _pending("test.flaky", officer_a)
    failures_left[job.pk] = 5
    run_job(job.pk)
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("Công việc đã không thành công 2 lần")
    assert job.finished_at is not None


# A full disk -----------------------------------------------------------------------------------


class _FullDisk(io.RawIOBase):
    """A file that takes a few bytes, then reports the disk full."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        self.real.write(bytes(data)[:100])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fileno(self):
        return self.real.fileno()

    def close(self):
        self.real.close()

    def __exit__(self, *args):
        self.close()


def test_a_full_disk_during_an_export_is_a_clear_error_and_leaves_no_file(
    officer_a, settings, monkeypatch
):
    settings.JOB_MAX_ATTEMPTS = 1
    real_fdopen = os.fdopen
    monkeypatch.setattr(jobs.os, "fdopen", lambda fd, mode: _FullDisk(real_fdopen(fd, mode)))
    job = start_job(kind="test.file", actor=officer_a, inline=True)
    assert job.status == Job.Status.FAILED
    assert "Ổ đĩa của máy chủ đã đầy nên không ghi được tệp" in job.message
    assert not job.result_file
    folder = Path(settings.MEDIA_ROOT) / "jobs" / "out" / str(job.pk)
    assert list(folder.iterdir()) == []  # not even the partial temporary file


def test_a_rerun_replaces_the_result_file_under_the_same_name(officer_a):
    job = start_job(kind="test.file", actor=officer_a, inline=True)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result_file.name == f"jobs/out/{job.pk}/danh-sach.csv"
    write_result_file(job, "danh-sach.csv", b"again")
    folder = Path(job.result_file.path).parent
    assert [p.name for p in folder.iterdir()] == ["danh-sach.csv"]
    with job.result_file.open("rb") as file:
        assert file.read() == b"again"


def test_a_result_file_is_readable_like_any_upload(officer_a, settings):
    # nginx runs as another user and sends result files through X-Accel-Redirect.
    settings.FILE_UPLOAD_PERMISSIONS = 0o640
    job = start_job(kind="test.file", actor=officer_a, inline=True)
    assert Path(job.result_file.path).stat().st_mode & 0o777 == 0o640
    settings.FILE_UPLOAD_PERMISSIONS = 0o644
    write_result_file(job, "danh-sach.csv", b"again")
    assert Path(job.result_file.path).stat().st_mode & 0o777 == 0o644


def test_a_full_disk_keeps_the_previous_file_whole(officer_a, settings, monkeypatch):
    job = start_job(kind="test.file", actor=officer_a, inline=True)
    before = Path(job.result_file.path).read_bytes()
    real_fdopen = os.fdopen
    monkeypatch.setattr(jobs.os, "fdopen", lambda fd, mode: _FullDisk(real_fdopen(fd, mode)))
    with pytest.raises(OSError):
        write_result_file(job, "danh-sach.csv", ContentFile(b"x" * 5000).read())
    assert Path(job.result_file.path).read_bytes() == before


def test_the_recover_jobs_command_takes_up_dead_workers_jobs(officer_a):
    from django.core.management import call_command

    job = _pending("test.effect", officer_a)
    _as_if_worker_died(job)
    out = io.StringIO()
    call_command("recover_jobs", stdout=out)
    assert f"[{job.pk}]" in out.getvalue()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
