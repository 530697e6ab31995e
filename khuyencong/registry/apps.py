from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "khuyencong.registry"
    label = "registry"
    verbose_name = _("Establishment registry")

    def ready(self) -> None:
        from khuyencong.registry import dashboard, jobs  # noqa: F401  (registers handlers)
