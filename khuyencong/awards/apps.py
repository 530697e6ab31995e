from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "khuyencong.awards"
    label = "awards"
    verbose_name = _("Typical rural industrial products")

    def ready(self) -> None:
        # Registers the overview section and the round workflow (core.workflow).
        from khuyencong.awards import dashboard, workflow  # noqa: F401
