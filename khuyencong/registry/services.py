from django.db.models import Count

from khuyencong.core.scoping import scope_queryset
from khuyencong.registry.models import Establishment


def dashboard_counts(user):
    qs = scope_queryset(user, Establishment.objects.all())
    return {
        "establishments": qs.count(),
        "active": qs.filter(status=Establishment.Status.ACTIVE).count(),
        "provinces": qs.values("province").distinct().count(),
        "by_sector": list(
            qs.values("sector__code", "sector__name")
            .annotate(n=Count("id"))
            .order_by("sector__code")
        ),
    }
