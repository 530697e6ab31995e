from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "khuyencong.network"
    label = "network"
    verbose_name = _("Commune collaborators")

    def ready(self) -> None:
        from khuyencong.network import dashboard  # noqa: F401  (registers what is due)
