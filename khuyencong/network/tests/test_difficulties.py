"""Difficulties: visible to the province once their report is submitted, counted by topic
and status in one query, handled open → forwarded → resolved by the province's staff."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.core.errors import StaleEditError, WorkflowError
from khuyencong.network import access, services
from khuyencong.network.errors import NetworkError
from khuyencong.network.factories import advance_report, file_report
from khuyencong.network.models import Difficulty, QuarterlyReport
from khuyencong.network.workflow import change_difficulty

S = QuarterlyReport.Status
D = Difficulty.Status


@pytest.fixture
def reports(ctv_a1, ctv_a2, collaborator_a1, officer_a):
    """A submitted report of ctv_a1 with three difficulties (capital ×2, market), and a
    draft of ctv_a2 with one (labour)."""
    submitted = file_report(
        actor=collaborator_a1,
        collaborator=ctv_a1,
        difficulties=[
            {"topic": "capital", "text": "Thiếu vốn mua máy"},
            {"topic": "capital", "text": "Lãi suất vay cao"},
            {"topic": "market", "text": "Khó tìm đầu ra"},
        ],
    )
    submitted = advance_report(submitted, S.SUBMITTED, filer=collaborator_a1, reviewer=officer_a)
    draft = file_report(
        actor=officer_a,
        collaborator=ctv_a2,
        difficulties=[{"topic": "labour", "text": "Thiếu thợ"}],
    )
    return submitted, draft


def test_only_submitted_reports_difficulties_are_in_the_province_list(
    reports, officer_a, officer_b, national, collaborator_a1
):
    _submitted, draft = reports
    visible = access.difficulties_for(officer_a)
    assert set(visible.values_list("topic", flat=True)) == {"capital", "market"}
    assert not visible.filter(report=draft).exists()
    assert not access.difficulties_for(officer_b).exists()
    assert access.difficulties_for(national).count() == 3
    # The collaborator follows their own.
    assert access.difficulties_for(collaborator_a1).count() == 3
    # Submitting the draft rolls its difficulty up.
    from khuyencong.network.workflow import submit_report

    submit_report(actor=officer_a, report=draft)
    assert access.difficulties_for(officer_a).filter(topic="labour").exists()


def test_counts_by_topic_and_status_in_one_query(reports, officer_a, django_assert_num_queries):
    submitted, _draft = reports
    market = submitted.difficulties.get(topic="market")
    change_difficulty(
        actor=officer_a, difficulty=market, status=D.RESOLVED, resolution="Đã kết nối siêu thị"
    )
    with django_assert_num_queries(1):
        rollup = services.difficulty_rollup(access.difficulties_for(officer_a))
    assert rollup.total == 3
    assert {
        row["code"]: (row["open"], row["forwarded"], row["resolved"]) for row in rollup.by_topic
    } == {
        "capital": (2, 0, 0),
        "market": (0, 0, 1),
    }
    assert {row["code"]: row["total"] for row in rollup.by_status} == {
        "open": 2,
        "forwarded": 0,
        "resolved": 1,
    }


def test_the_province_forwards_then_resolves(reports, officer_a, manager_a):
    submitted, _draft = reports
    difficulty = submitted.difficulties.get(topic="market")
    with pytest.raises(NetworkError) as info:
        change_difficulty(actor=officer_a, difficulty=difficulty, status=D.FORWARDED)
    assert info.value.field == "forwarded_to"
    difficulty = change_difficulty(
        actor=officer_a,
        difficulty=difficulty,
        status=D.FORWARDED,
        forwarded_to="Trung tâm Xúc tiến thương mại",
        handler=manager_a,
        expected_status=D.OPEN,
    )
    assert difficulty.status == D.FORWARDED and difficulty.handler == manager_a
    with pytest.raises(WorkflowError):
        change_difficulty(actor=officer_a, difficulty=difficulty, status=D.OPEN)
    with pytest.raises(NetworkError) as info:
        change_difficulty(actor=officer_a, difficulty=difficulty, status=D.RESOLVED)
    assert info.value.field == "resolution"
    difficulty = change_difficulty(
        actor=manager_a,
        difficulty=difficulty,
        status=D.RESOLVED,
        resolution="Cơ sở tham gia hội chợ vùng",
    )
    assert difficulty.status == D.RESOLVED and difficulty.handler == manager_a
    for status in D.values:
        with pytest.raises(WorkflowError):
            change_difficulty(actor=officer_a, difficulty=difficulty, status=status, resolution="x")
    history = list(
        difficulty.history.order_by("history_date").values_list("status", "history_user")
    )
    assert history == [
        (D.OPEN, submitted.created_by_id),
        (D.FORWARDED, officer_a.pk),
        (D.RESOLVED, manager_a.pk),
    ]


def test_open_may_be_resolved_directly_and_the_handler_defaults_to_the_actor(reports, officer_a):
    submitted, _draft = reports
    difficulty = submitted.difficulties.filter(topic="capital").first()
    difficulty = change_difficulty(
        actor=officer_a, difficulty=difficulty, status=D.RESOLVED, resolution="Đã vay được vốn"
    )
    assert difficulty.handler == officer_a


def test_a_stale_form_is_refused(reports, officer_a, manager_a):
    submitted, _draft = reports
    difficulty = submitted.difficulties.get(topic="market")
    change_difficulty(
        actor=manager_a, difficulty=difficulty, status=D.FORWARDED, forwarded_to="UBND xã"
    )
    with pytest.raises(StaleEditError):
        change_difficulty(
            actor=officer_a,
            difficulty=difficulty,
            status=D.RESOLVED,
            resolution="x",
            expected_status=D.OPEN,
        )
    difficulty.refresh_from_db()
    assert difficulty.status == D.FORWARDED


def test_who_may_handle(
    reports, collaborator_a1, national, auditor_a, officer_b, officer_a, ctv_a2
):
    submitted, draft = reports
    difficulty = submitted.difficulties.get(topic="market")
    for user in (collaborator_a1, national, auditor_a):
        with pytest.raises(WorkflowError):
            change_difficulty(
                actor=user, difficulty=difficulty, status=D.FORWARDED, forwarded_to="x"
            )
    with pytest.raises(Http404):
        change_difficulty(
            actor=officer_b, difficulty=difficulty, status=D.FORWARDED, forwarded_to="x"
        )
    # A draft's difficulty is not the province's to handle yet.
    with pytest.raises(Http404):
        change_difficulty(
            actor=officer_a,
            difficulty=draft.difficulties.get(),
            status=D.FORWARDED,
            forwarded_to="x",
        )
    with pytest.raises(NetworkError) as info:
        change_difficulty(
            actor=officer_a,
            difficulty=difficulty,
            status=D.FORWARDED,
            forwarded_to="x",
            handler=officer_b,
        )
    assert info.value.field == "handler"


def test_the_province_records_a_difficulty_heard_directly(
    officer_a, province_a, commune_a1, commune_b1, officer_b
):
    difficulty = services.record_difficulty(
        actor=officer_a,
        province=province_a,
        commune=commune_a1,
        topic="premises",
        text="Thiếu mặt bằng",
    )
    assert difficulty.report is None
    assert access.difficulties_for(officer_a).filter(pk=difficulty.pk).exists()
    with pytest.raises(NetworkError) as info:
        services.record_difficulty(
            actor=officer_a, province=province_a, commune=commune_b1, topic="premises", text="x"
        )
    assert info.value.field == "commune"
    with pytest.raises(NetworkError) as info:
        services.record_difficulty(actor=officer_b, province=province_a, topic="premises", text="x")
    assert info.value.field == "province"


def test_the_rollup_follows_the_filters(reports, officer_a):
    visible = access.difficulties_for(officer_a).filter(topic="capital")
    rollup = services.difficulty_rollup(visible)
    assert rollup.total == 2 and [row["code"] for row in rollup.by_topic] == ["capital"]
