"""Background jobs: run once, record failures and progress, inline or after commit, owner only."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from khuyencong.core.jobs import JobFailed, JobProgress, job_handler, run_job, start_job
from khuyencong.core.models import Job

calls: list[int] = []


@pytest.fixture(autouse=True)
def reset_calls():
    calls.clear()


@job_handler("test.count")
def _count(job: Job) -> None:
    calls.append(job.pk)
    job.result = {"seen": job.params.get("n")}


@job_handler("test.refuse")
def _refuse(job: Job) -> None:
    raise JobFailed("Refused on purpose", {"errors": [{"row": 2, "column": "A", "message": "x"}]})


@job_handler("test.crash")
def _crash(job: Job) -> None:
    raise RuntimeError("boom")


@job_handler("test.progress")
def _progress(job: Job) -> None:
    progress = JobProgress(job, total=10, step=3)
    for _i in range(7):
        progress.advance()
    calls.append(Job.objects.get(pk=job.pk).progress_done)
    job.result_file.save("out.txt", ContentFile(b"hello"), save=False)
    job.result = {"filename": "ket-qua.txt"}


def test_an_inline_job_runs_at_once_and_keeps_its_result(officer_a):
    job = start_job(kind="test.count", actor=officer_a, params={"n": 3}, inline=True)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"seen": 3}
    assert job.finished_at is not None
    assert calls == [job.pk]


def test_a_job_runs_exactly_once(officer_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = start_job(kind="test.count", actor=officer_a)
    run_job(job.pk)
    run_job(job.pk)  # enqueued twice, or a second worker: left alone
    assert calls == [job.pk]


def test_a_background_job_waits_for_the_commit(officer_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start_job(kind="test.count", actor=officer_a)
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert calls == []
    assert len(callbacks) == 1

    callbacks[0]()  # the commit: the (immediate) task backend runs it
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert calls == [job.pk]


def test_a_refused_job_records_its_message_and_errors(officer_a):
    job = start_job(kind="test.refuse", actor=officer_a, inline=True)
    assert job.status == Job.Status.FAILED
    assert job.message == "Refused on purpose"
    assert job.result["errors"][0]["row"] == 2


def test_a_crashing_job_fails_with_a_generic_message(officer_a, caplog, settings):
    settings.JOB_MAX_ATTEMPTS = 1
    job = start_job(kind="test.crash", actor=officer_a, inline=True)
    assert job.status == Job.Status.FAILED
    assert "boom" not in job.message
    assert job.message
    assert "crashed" in caplog.text


def test_progress_is_written_every_step_and_completes(officer_a):
    job = start_job(kind="test.progress", actor=officer_a, inline=True)
    assert calls == [6]  # 7 done, written at 3 and 6
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.percent) == (10, 10, 100)


def test_an_unknown_kind_is_a_programming_error(officer_a):
    with pytest.raises(KeyError):
        start_job(kind="test.nobody", actor=officer_a)


def test_the_owner_sees_the_job_page_and_its_file(officer_a, client_for):
    job = start_job(kind="test.progress", actor=officer_a, inline=True, params={"title": "T"})
    client = client_for(officer_a)
    page = client.get(reverse("core:job-detail", args=[job.pk]))
    assert page.status_code == 200
    assert 'data-testid="job-status"' in page.content.decode()
    partial = client.get(reverse("core:job-detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<h1>" not in partial.content.decode()
    download = client.get(reverse("core:job-download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"hello"
    assert "ket-qua.txt" in download["Content-Disposition"]


def test_another_user_cannot_see_my_job(officer_a, officer_b, manager_a, admin, client_for):
    job = start_job(kind="test.progress", actor=officer_a, inline=True)
    for other in (officer_b, manager_a):
        client = client_for(other)
        assert client.get(reverse("core:job-detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("core:job-download", args=[job.pk])).status_code == 404
    assert client_for(admin).get(reverse("core:job-detail", args=[job.pk])).status_code == 200


def test_the_job_page_needs_a_login_and_a_get(officer_a, client_for):
    job = start_job(kind="test.count", actor=officer_a, inline=True)
    url = reverse("core:job-detail", args=[job.pk])
    assert client_for(None).get(url).status_code == 302
    assert client_for(officer_a).post(url).status_code == 405
