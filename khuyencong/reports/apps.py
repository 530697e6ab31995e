from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "khuyencong.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from khuyencong.reports.exporting import jobs  # noqa: F401  (registers the job handler)
