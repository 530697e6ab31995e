from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "khuyencong.surveys"
    label = "surveys"
    verbose_name = _("Needs surveys and applications")

    def ready(self) -> None:
        # Registers the overview section and the triage workflow (core.workflow).
        from khuyencong.surveys import dashboard, workflow  # noqa: F401
