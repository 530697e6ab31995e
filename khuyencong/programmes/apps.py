from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "khuyencong.programmes"
    label = "programmes"
    verbose_name = _("Programmes, plans and projects")

    def ready(self) -> None:
        # Registers the overview section and the project workflow (core.workflow).
        from khuyencong.programmes import dashboard, workflow  # noqa: F401
