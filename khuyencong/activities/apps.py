from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "khuyencong.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from khuyencong.activities import dashboard  # noqa: F401  (registers the overview section)
