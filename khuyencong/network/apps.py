from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "khuyencong.network"
    label = "network"
    verbose_name = _("Commune collaborators")

    def ready(self) -> None:
        # Registers what is due and the report workflow (core.workflow).
        from khuyencong.network import dashboard, workflow  # noqa: F401
