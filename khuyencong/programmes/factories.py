"""Test and demo helpers. Projects are created and moved through the real services
(STYLE.md 16): ``draft_project`` then ``advance(project, "accepted", manager=…)``."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from khuyencong.programmes import services
from khuyencong.programmes.models import Project
from khuyencong.programmes.workflow import transition_project

S = Project.Status
# The path from draft to each state, as actions.
PATH: dict[str, list[str]] = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.APPRAISED: ["submit", "appraise"],
    S.APPROVED: ["submit", "appraise", "approve"],
    S.IN_PROGRESS: ["submit", "appraise", "approve", "start"],
    S.ACCEPTED: ["submit", "appraise", "approve", "start", "accept"],
    S.SETTLED: ["submit", "appraise", "approve", "start", "accept", "settle"],
    S.RETURNED: ["submit", "return"],
    S.SUSPENDED: ["submit", "appraise", "approve", "suspend"],
    S.CANCELLED: ["cancel"],
}


def draft_project(*, actor: Any, province: Any, **overrides: Any) -> Project:
    """A valid draft: a machinery project for one year with national funds of 200 million
    and 300 million of counterpart money (40 % state share), one expected output."""
    data: dict[str, Any] = {
        "province": province,
        "year": timezone.localdate().year,
        "funding_level": "national",
        "title": "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến",
        "category": "03",
        "subtype": "03-MAYMOC",
        "implementer": "Trung tâm Khuyến công",
        "budget_lines": [
            {"source": "national", "amount": 200_000_000},
            {"source": "counterpart", "amount": 300_000_000},
        ],
        "outputs": {"machines.count": 2},
    }
    data.update(overrides)
    for name in ("category", "subtype", "commune"):
        value = data.get(name)
        if isinstance(value, str):
            data[f"{name}_id"] = data.pop(name)
    return services.create_project(actor=actor, data=_objects(data))


def _objects(data: dict[str, Any]) -> dict[str, Any]:
    from khuyencong.places.models import Commune
    from khuyencong.programmes.models import ActivityCategory, ActivitySubtype

    models = {"category_id": ActivityCategory, "subtype_id": ActivitySubtype, "commune_id": Commune}
    for key, model in models.items():
        if key in data:
            data[key[:-3]] = model._default_manager.get(pk=data.pop(key))
    return data


def step_params(action: str, project: Project) -> dict[str, Any]:
    """Valid parameters for a step (what a user would fill in)."""
    today = timezone.localdate()
    if action == "approve":
        return {"decision_number": "123/QĐ-SCT", "decision_date": today}
    if action == "accept":
        return {
            "accepted_on": today,
            "minutes": "Biên bản nghiệm thu số 01",
            "actual_outputs": {o.indicator_id: o.planned for o in project.outputs.all()},
        }
    if action == "settle":
        return {
            "settled_on": today,
            "spending": {line.source: line.amount for line in project.budget_lines.all()},
        }
    if action == "adjust":
        budget = {line.source: line.amount for line in project.budget_lines.all()}
        budget[project.state_source] -= 1_000_000
        return {"budget": budget}
    return {}


def advance(project: Project, status: str, *, manager: Any, note: str = "Ghi chú") -> Project:
    """Move a draft along the usual path to ``status`` with valid data for each step."""
    for action in PATH[status]:
        project = transition_project(
            actor=manager,
            project=project,
            action=action,
            note=note,
            **step_params(action, project),
        )
    return project


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
