"""Difficulties the province hears of directly, and their counts by topic and status (how
the province handles one is a step of ``network.workflow.DIFFICULTY_WORKFLOW``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from khuyencong.core.history import set_history_actor
from khuyencong.core.scoping import can_write_place
from khuyencong.network.access import (
    is_province_staff,
)
from khuyencong.network.errors import NetworkError
from khuyencong.network.models import (
    Difficulty,
)
from khuyencong.network.services.common import (
    MAX_TEXT,
    clean_text,
)
from khuyencong.places.models import Commune

D = Difficulty.Status


@transaction.atomic
def record_difficulty(
    *, actor: Any, province: Any, commune: Any = None, topic: str, text: str
) -> Difficulty:
    """A difficulty the province hears of directly (at a meeting, by phone), without a
    collaborator's report."""
    province_id = getattr(province, "pk", province)
    if (
        province_id is None
        or not is_province_staff(actor)
        or not can_write_place(actor, province_id=province_id, commune_id=None)
    ):
        raise NetworkError(
            _("You may not record difficulties for this province."), field="province"
        )
    commune_id = getattr(commune, "pk", commune) or None
    if (
        commune_id is not None
        and not Commune.objects.filter(pk=commune_id, province_id=province_id).exists()
    ):
        raise NetworkError(_("This commune lies in another province."), field="commune")
    if topic not in Difficulty.Topic.values:
        raise NetworkError(_("Choose a topic."), field="topic")
    difficulty = Difficulty(
        province_id=province_id,
        commune_id=commune_id,
        topic=topic,
        text=clean_text(text, "text", max_length=MAX_TEXT, required=True),
    )
    set_history_actor(difficulty, actor)
    difficulty.save()
    return difficulty


@dataclass
class Rollup:
    total: int
    by_topic: list[dict[str, Any]]  # {"code", "label", "total", statuses…}
    by_status: list[dict[str, Any]]  # {"code", "label", "total"}


def difficulty_rollup(difficulties: QuerySet[Difficulty]) -> Rollup:
    """Counts by topic and status of the given difficulties: one ``GROUP BY`` query."""
    counts = {
        (row["topic"], row["status"]): row["n"]
        for row in difficulties.order_by().values("topic", "status").annotate(n=Count("id"))
    }
    by_topic = []
    for code, label in Difficulty.Topic.choices:
        row: dict[str, Any] = {"code": code, "label": label}
        for status in D.values:
            row[status] = counts.get((code, status), 0)
        row["total"] = sum(row[status] for status in D.values)
        if row["total"]:
            by_topic.append(row)
    by_status = [
        {
            "code": status,
            "label": label,
            "total": sum(n for (_topic, s), n in counts.items() if s == status),
        }
        for status, label in D.choices
    ]
    return Rollup(sum(counts.values()), by_topic, by_status)
