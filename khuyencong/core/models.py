from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """Optimistic locking: every saved edit bumps ``version``; an edit based on an older
    version is refused by ``core.locking.check_version`` instead of overwriting."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TransitionRecord(models.Model):
    """One workflow step of a record (healthchecks ``Flip``): who did what, when, why.

    The row ``core.workflow.Workflow.record`` writes. A concrete model adds the foreign key
    to its record (named by ``SUBJECT``) and, where it wants them checked, the choices of
    ``from_status``/``to_status``; the actor is kept when the user is deleted, like the
    history's ``history_user`` (users are normally deactivated, not deleted).
    """

    SUBJECT = "record"

    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(_("from"), max_length=16)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        subject = getattr(self, f"{self.SUBJECT}_id", None)
        return f"{subject}: {self.from_status} → {self.to_status}"


class Job(models.Model):
    """A piece of background work (an import, an export, a report) and its progress.

    The task itself (core/jobs.py) takes the job's id, so the page can show progress while
    a worker runs it, and the result (a file or a list of errors) stays for the user.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    input_file = models.FileField(_("input file"), upload_to="jobs/in/%Y/%m/", blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/out/%Y/%m/", blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    # Structured outcome: {"errors": [{"row", "column", "message"}], "created": n, ...}
    result = models.JSONField(_("result"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Faults (core/jobs.py): runs so far, the running worker's last sign of life, and when a
    # retry may start.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    run_after = models.DateTimeField(_("retry after"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [
            # "My recent jobs" on the jobs page.
            models.Index(fields=["created_by", "-created_at"], name="job_user_recent_idx"),
            # recover_jobs: running jobs by heartbeat, pending ones by due time.
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class DataVersion(models.Model):
    """A counter per province (``scope`` is its code; ``*`` stands for every province) that
    grows whenever a record counted by a cached computation changes there, in the same
    transaction as the change (core/dataversions.py). Cache keys carry the versions they were
    computed at, so a change makes every cached value over that province unreachable."""

    scope = models.CharField(max_length=16, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.scope}@{self.version}"
