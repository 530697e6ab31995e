from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "khuyencong.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Registers the job handler and the review workflow of submissions (core.workflow).
        from khuyencong.reports import cache, workflow  # noqa: F401
        from khuyencong.reports.exporting import jobs  # noqa: F401

        # Cached report figures: their records raise the data versions (reports/cache.py),
        # and so does every migrate.
        cache.connect()
        post_migrate.connect(cache.migrated, sender=self, dispatch_uid="reports.migrated")
