"""Test and demo helpers. Collaborators may be made directly (``CollaboratorFactory``);
reports are drafted and moved through the real services (STYLE.md 16):
``file_report(...)`` then ``advance_report(report, "accepted", filer=…, reviewer=…)``."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from khuyencong.network import services
from khuyencong.network.models import (
    Collaborator,
    CollaboratorReward,
    CollaboratorTraining,
    QuarterlyReport,
)
from khuyencong.network.quarters import Quarter, quarter_of
from khuyencong.network.workflow import transition_report
from khuyencong.places.factories import ProvinceFactory

S = QuarterlyReport.Status
# The path from draft to each state, as actions.
PATH: dict[str, list[str]] = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.ACCEPTED: ["submit", "accept"],
    S.RETURNED: ["submit", "return"],
}


class CollaboratorFactory(factory.django.DjangoModelFactory):
    """A collaborator appointed in 2024, active; ``communes=[…]`` sets those covered."""

    class Meta:
        model = Collaborator
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Cộng {n}")
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    province = factory.SubFactory(ProvinceFactory)
    position = "Công chức Văn hóa – Xã hội"
    appointed_on = datetime.date(2024, 1, 15)
    appointment_decision = factory.Sequence(lambda n: f"{n}/QĐ-UBND")
    monthly_fee = 1_500_000

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.set(extracted)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollaboratorTraining

    collaborator = factory.SubFactory(CollaboratorFactory)
    title = "Tập huấn nghiệp vụ cộng tác viên khuyến công"
    date = datetime.date(2025, 5, 20)
    organiser = "Trung tâm Khuyến công"


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollaboratorReward

    collaborator = factory.SubFactory(CollaboratorFactory)
    title = "Giấy khen cộng tác viên tiêu biểu"
    date = datetime.date(2025, 12, 20)
    amount = 500_000
    decision = "25/QĐ-SCT"


def last_finished_quarter(today: datetime.date | None = None) -> Quarter:
    return quarter_of(today or services.today()).previous()


def report_data(**overrides: Any) -> dict[str, Any]:
    """Valid report content: totals matching two sector lines, one difficulty."""
    data: dict[str, Any] = {
        "establishments_active": 12,
        "establishments_new": 2,
        "establishments_ceased": 1,
        "proposals": "Đề nghị hỗ trợ máy sấy cà phê cho các hộ sản xuất.",
        "sector_lines": [
            {"sector": "a", "active": 9, "new": 2, "ceased": 1},
            {"sector": "dd", "active": 3, "new": 0, "ceased": 0},
        ],
        "difficulties": [{"topic": "capital", "text": "Thiếu vốn mua máy móc."}],
    }
    data.update(overrides)
    return data


def file_report(
    *, actor: Any, collaborator: Collaborator, period: Quarter | None = None, **overrides: Any
) -> QuarterlyReport:
    period = period or last_finished_quarter()
    return services.create_report(
        actor=actor,
        collaborator=collaborator,
        year=period.year,
        quarter=period.quarter,
        data=report_data(**overrides),
    )


def advance_report(
    report: QuarterlyReport, status: str, *, filer: Any, reviewer: Any
) -> QuarterlyReport:
    """Move a draft along the usual path to ``status``: the filer submits, the reviewer
    accepts or returns (with a reason)."""
    for action in PATH[status]:
        actor = filer if action == "submit" else reviewer
        note = "Số liệu xã Ea Kar chưa khớp." if action == "return" else ""
        report = transition_report(actor=actor, report=report, action=action, note=note)
    return report
