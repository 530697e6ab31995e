from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "khuyencong.programmes"
    label = "programmes"
    verbose_name = _("Programmes, plans and projects")

    def ready(self) -> None:
        from khuyencong.programmes import dashboard  # noqa: F401  (registers the overview section)
