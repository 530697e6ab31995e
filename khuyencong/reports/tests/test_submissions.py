"""Submitted period reports: frozen snapshots, versions, consolidation of the latest
versions (ratios never added), who has not submitted or submitted late, scoping, pages and
query counts."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from khuyencong.accounts.factories import UserFactory
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory, ProvinceFactory, RegionFactory
from khuyencong.reports import access, consolidation, submissions, summary
from khuyencong.reports.factories import approved_project, pay
from khuyencong.reports.models import Indicator, ReportSubmission
from khuyencong.reports.periods import Period
from khuyencong.reports.units import Unit, UnitError, resolve

M = 1_000_000
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
Q1 = Period.quarter(2026, 1)  # due 10/04/2026 with the default 10 days


def at(day, hour=9):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


def value(snapshot, code="funding.disbursed"):
    return submissions.rows_by_code(snapshot)[code]["value"]


@pytest.fixture
def manager_b(province_b):
    return UserFactory(username="manager_b", role=Role.PROVINCIAL_MANAGER, province=province_b)


@pytest.fixture
def project_a(manager_a, province_a):
    project = approved_project(
        manager=manager_a, province=province_a, year=2026, approved_on=dt.date(2026, 1, 15)
    )
    pay(project, manager=manager_a, amount=100 * M, on=dt.date(2026, 2, 10))
    return project


@pytest.fixture
def project_b(manager_b, province_b):
    project = approved_project(
        manager=manager_b, province=province_b, year=2026, approved_on=dt.date(2026, 1, 20)
    )
    pay(project, manager=manager_b, amount=70 * M, on=dt.date(2026, 3, 5))
    return project


@pytest.fixture
def south(province_a, province_b):
    region = RegionFactory(code="NAM", name="Khu vực phía Nam")
    region.provinces.set([province_a, province_b])
    return region


def submit(user, province, period=Q1, **kwargs):
    kwargs.setdefault("now", at(dt.date(2026, 4, 5)))
    return submissions.submit(actor=user, province=province, period=period, **kwargs)


# --- periods and deadlines --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "kind"),
    [
        (Period.quarter(2026, 3), "quarter"),
        (Period.first_months(2026, 6), "6_months"),
        (Period.first_months(2026, 9), "9_months"),
        (Period.year(2025), "year"),
        (Period.month(2026, 3), None),
        (Period.first_months(2026, 5), None),
        (Period.years(2024, 2025), None),
        (Period(dt.date(2026, 1, 2), dt.date(2026, 3, 31)), None),
    ],
)
def test_the_kinds_of_periodic_reports(period, kind):
    assert submissions.kind_of(period) == kind


def test_deadline_is_ten_days_by_default_and_a_setting(settings):
    assert submissions.due_date(Q1) == dt.date(2026, 4, 10)
    settings.REPORT_SUBMISSION_DEADLINE_DAYS = {"quarter": 20, "year": 30}
    assert submissions.due_date(Q1) == dt.date(2026, 4, 20)
    assert submissions.due_date(Period.year(2025)) == dt.date(2026, 1, 30)
    assert submissions.due_date(Period.first_months(2026, 9)) == dt.date(2026, 10, 10)
    settings.REPORT_SUBMISSION_DEADLINE_DAYS = 5
    assert submissions.due_date(Q1) == dt.date(2026, 4, 5)


def test_timeliness_boundaries():
    due = dt.date(2026, 4, 10)
    assert submissions.timeliness(at(due, 23), due, due) == "on_time"
    assert submissions.timeliness(at(dt.date(2026, 4, 11), 0), due, due) == "late"
    assert submissions.timeliness(None, due, due) == "pending"
    assert submissions.timeliness(None, due, dt.date(2026, 4, 11)) == "missing"


# --- submitting -------------------------------------------------------------------------------


def test_a_snapshot_is_frozen(manager_a, province_a, project_a):
    submission = submit(manager_a, province_a)
    assert submission.version == 1 and submission.kind == "quarter"
    assert submission.submitted_by == manager_a
    assert value(submission.snapshot) == 100 * M
    assert submission.snapshot["period_label"] == "Quý I/2026"
    assert submission.snapshot["narrative"]
    # A later payment dated inside the quarter changes the live summary, not the snapshot.
    pay(project_a, manager=manager_a, amount=50 * M, on=dt.date(2026, 3, 1))
    live = summary.build(resolve(Unit.parse("province:66")), Q1)
    assert value(live) == 150 * M
    submission.refresh_from_db()
    assert value(submission.snapshot) == 100 * M
    assert submission.history.count() == 1


def test_the_snapshot_is_in_vietnamese_whatever_the_language(manager_a, province_a, project_a):
    with translation.override("en"):
        submission = submit(manager_a, province_a)
    name = submissions.rows_by_code(submission.snapshot)["funding.disbursed"]["name"]
    assert name == Indicator.objects.get(code="funding.disbursed").name


def test_a_resubmission_is_version_two_and_both_are_kept(
    manager_a, officer_a, province_a, project_a
):
    first = submit(manager_a, province_a, note="Báo cáo quý I")
    pay(project_a, manager=manager_a, amount=50 * M, on=dt.date(2026, 3, 1))
    second = submit(manager_a, province_a, note="Bổ sung thanh toán", now=at(dt.date(2026, 4, 20)))
    assert (first.version, second.version) == (1, 2)
    assert ReportSubmission.objects.filter(province=province_a).count() == 2
    first.refresh_from_db()
    assert value(first.snapshot) == 100 * M and value(second.snapshot) == 150 * M
    assert [v.version for v in submissions.versions_of(first)] == [1, 2]
    changes = {c["code"]: c for c in submissions.differences(first.snapshot, second.snapshot)}
    assert changes["funding.disbursed"] == {
        "code": "funding.disbursed",
        "name": changes["funding.disbursed"]["name"],
        "unit": "VND",
        "old": 100 * M,
        "new": 150 * M,
        "difference": 50 * M,
    }
    assert "projects.approved" not in changes  # unchanged figures are not listed
    latest = consolidation.latest_submissions(["66"], Q1)
    assert [s.pk for s in latest] == [second.pk]
    # The first version was on time: the late resubmission does not make the report late.
    assert latest[0].first_submitted_at == first.submitted_at


def test_versions_are_per_period(manager_a, province_a, project_a):
    submit(manager_a, province_a)
    other = submit(
        manager_a, province_a, period=Period.first_months(2026, 6), now=at(dt.date(2026, 7, 3))
    )
    assert other.version == 1 and other.kind == "6_months"


@pytest.mark.parametrize(
    ("period", "field"),
    [
        (Period.month(2026, 3), "end"),
        (Period.years(2024, 2025), "end"),
        (Period.quarter(2027, 1), "start"),  # not begun yet
    ],
)
def test_periods_that_are_not_submitted(manager_a, province_a, period, field):
    with pytest.raises(submissions.SubmissionError) as error:
        submit(manager_a, province_a, period=period, now=None)
    assert error.value.field == field
    assert not ReportSubmission.objects.exists()


def test_a_too_long_note_is_refused(manager_a, province_a):
    with pytest.raises(submissions.SubmissionError) as error:
        submit(manager_a, province_a, note="x" * 2001)
    assert error.value.field == "note"


def test_who_submits(
    manager_a, officer_a, auditor_a, national, officer_b, collaborator_a1, admin, province_a
):
    # The manager signs off; officers prepare the figures but do not submit.
    assert access.may_submit(manager_a, "66") and not access.may_submit(officer_a, "66")
    assert access.may_submit(admin, "66")
    for user in (officer_a, auditor_a, national, collaborator_a1, officer_b):
        assert not access.may_submit(user, "66")
        with pytest.raises(PermissionError):
            submit(user, province_a)
    assert not ReportSubmission.objects.exists()


def test_the_unit_of_a_submission(manager_a, officer_a, officer_b, national, province_a, south):
    assert access.province_for_submission(manager_a, "province:66") == province_a
    with pytest.raises(submissions.SubmissionError) as error:
        access.province_for_submission(manager_a, "region:NAM")
    assert error.value.field == "unit"
    with pytest.raises(UnitError):
        access.province_for_submission(manager_a, "province:99")
    with pytest.raises(PermissionError):
        access.province_for_submission(officer_a, "province:66")
    from django.http import Http404

    with pytest.raises(Http404):
        access.province_for_submission(officer_b, "province:66")
    with pytest.raises(PermissionError):
        access.province_for_submission(national, "province:66")


def test_a_preview_that_changed_is_refused(manager_a, province_a, project_a):
    shown = submissions.build_snapshot(province_a, Q1)
    pay(project_a, manager=manager_a, amount=50 * M, on=dt.date(2026, 3, 1))
    with pytest.raises(submissions.FiguresChanged) as changed:
        submit(manager_a, province_a, expected_digest=submissions.digest(shown))
    assert value(changed.value.snapshot) == 150 * M
    assert not ReportSubmission.objects.exists()
    fresh = submissions.build_snapshot(province_a, Q1)
    assert submit(manager_a, province_a, expected_digest=submissions.digest(fresh)).version == 1


# --- consolidation ----------------------------------------------------------------------------


def test_consolidation_adds_the_latest_versions(
    manager_a, manager_b, province_a, province_b, project_a, project_b, south
):
    submit(manager_a, province_a)
    pay(project_a, manager=manager_a, amount=50 * M, on=dt.date(2026, 3, 1))
    latest_a = submit(manager_a, province_a, now=at(dt.date(2026, 4, 8)))
    submit(manager_b, province_b)
    result = consolidation.consolidate(
        resolve(Unit.parse("region:NAM")), Q1, today=dt.date(2026, 5, 1)
    )
    rows = {row["code"]: row for row in result["indicators"]}
    # 150 (A, version 2) + 70 (B): never the 100 of A's first version.
    assert rows["funding.disbursed"]["value"] == 220 * M
    assert rows["funding.disbursed"]["provinces"] == 2
    assert rows["projects.approved"]["value"] == 2
    # The annual plan of both provinces, and the percentage recomputed from the totals.
    plan = rows["funding.disbursed"]["plan"]
    assert plan == 1000 * M  # (200 national + 300 counterpart) × 2
    assert rows["funding.disbursed"]["percent_of_plan"] == 22.0
    # A percentage is never added.
    ratio = rows["trainees.employed_percent"]
    assert ratio["value"] is None and ratio["note"]
    assert result["submitted"] == 2 and result["not_submitted"] == [] and result["late"] == []
    by_code = {p["province"]: p for p in result["provinces"]}
    assert by_code["66"]["submission"]["id"] == latest_a.pk
    assert by_code["66"]["submission"]["version"] == 2
    assert by_code["66"]["submission"]["submitted_by"] == latest_a.submitted_by_name
    assert by_code["66"]["status"] == "on_time"


def test_who_has_not_submitted_and_who_is_late(manager_a, province_a, province_b, project_a, south):
    resolved = resolve(Unit.parse("region:NAM"))
    before_due = consolidation.consolidate(resolved, Q1, today=dt.date(2026, 4, 10))
    assert [p["status"] for p in before_due["provinces"]] == ["pending", "pending"]
    assert before_due["indicators"] == []
    submit(manager_a, province_a, now=at(dt.date(2026, 4, 11)))
    result = consolidation.consolidate(resolved, Q1, today=dt.date(2026, 4, 12))
    assert result["not_submitted"] == [
        {"province": "79", "name": province_b.name, "status": "missing"}
    ]
    assert [row["province"] for row in result["late"]] == ["66"]
    assert result["due"] == dt.date(2026, 4, 10)
    rows = {row["code"]: row for row in result["indicators"]}
    assert rows["funding.disbursed"]["value"] == 100 * M  # B's missing report adds nothing


def _snapshot(values):
    return {
        "indicators": [
            {"code": code, "name": code, "unit": unit, "value": v, "plan": None, "previous": p}
            for code, (unit, v, p) in values.items()
        ]
    }


def test_totals_by_counting(db):
    catalogue = {i.code: i for i in Indicator.objects.all()}
    a = _snapshot(
        {
            "collaborators.active": ("count", 12, 10),  # level: adds over places
            "establishments.supported": ("count", 30, 20),  # distinct: adds over places
            "fairs.participations": ("count", 5, None),  # sum
            "trainees.count": ("people", 40, 50),
            "trainees.employed_percent": ("percent", 80.0, 70.0),
        }
    )
    b = _snapshot(
        {
            "collaborators.active": ("count", 8, 9),
            "establishments.supported": ("count", 15, 25),
            "fairs.participations": ("count", 3, 4),
            "trainees.count": ("people", 60, 50),
            "trainees.employed_percent": ("percent", 90.0, 60.0),
        }
    )
    rows = {r["code"]: r for r in consolidation.totals([("A", a), ("B", b)], catalogue)}
    assert catalogue["collaborators.active"].counting == "level"
    assert rows["collaborators.active"]["value"] == 20
    assert rows["collaborators.active"]["change_percent"] == pytest.approx(5.3)
    assert rows["establishments.supported"]["value"] == 45
    assert rows["fairs.participations"]["value"] == 8
    assert rows["fairs.participations"]["previous"] is None  # A had none for last year
    assert rows["trainees.count"]["value"] == 100
    assert rows["trainees.employed_percent"]["value"] is None  # 80 + 90 is not 170 %
    with translation.override("en"):
        rows = {r["code"]: r for r in consolidation.totals([("A", a), ("B", b)], catalogue)}
    assert "percentage is not added" in rows["trainees.employed_percent"]["note"]
    # Catalogue order, whatever the order in the snapshots.
    orders = [catalogue[r].order for r in rows]
    assert orders == sorted(orders)


def test_a_ratio_is_recomputed_from_its_parts_when_reported(db):
    """Should the catalogue gain the number of employed trainees, the share over provinces
    is employed / trained of the totals."""
    catalogue = {i.code: i for i in Indicator.objects.all()}
    catalogue["trainees.employed"] = Indicator(
        code="trainees.employed", name="Số người có việc làm", unit="people", counting="sum"
    )
    a = _snapshot(
        {
            "trainees.employed_percent": ("percent", 80.0, None),
            "trainees.employed": ("people", 32, None),
            "trainees.count": ("people", 40, None),
        }
    )
    b = _snapshot(
        {
            "trainees.employed_percent": ("percent", 90.0, None),
            "trainees.employed": ("people", 54, None),
            "trainees.count": ("people", 60, None),
        }
    )
    rows = {r["code"]: r for r in consolidation.totals([("A", a), ("B", b)], catalogue)}
    assert rows["trainees.employed_percent"]["value"] == 86.0  # 86 of 100, not 170
    assert rows["trainees.employed_percent"]["note"] == ""
    assert rows["trainees.employed"]["value"] == 86
    del catalogue["trainees.employed"]  # a code unknown to the catalogue is not added
    rows = {r["code"]: r for r in consolidation.totals([("A", a), ("B", b)], catalogue)}
    assert rows["trainees.employed"]["value"] is None and rows["trainees.employed"]["note"]
    assert rows["trainees.employed_percent"]["value"] is None


def test_a_figure_missing_in_one_report_is_not_guessed(db):
    catalogue = {i.code: i for i in Indicator.objects.all()}
    a = _snapshot({"funding.disbursed": ("VND", 100 * M, None)})
    b = _snapshot({"funding.disbursed": ("VND", None, None)})
    row = consolidation.totals([("Tỉnh A", a), ("Tỉnh B", b)], catalogue)[0]
    assert row["value"] is None and "Tỉnh B" in row["note"] and row["provinces"] == 1


def test_consolidation_unit_errors(national, officer_a, south):
    with pytest.raises(submissions.SubmissionError) as error:
        access.consolidation_unit(national, "province:66")
    assert error.value.field == "unit"
    with pytest.raises(UnitError):
        access.consolidation_unit(national, "region:NOPE")
    from django.http import Http404

    with pytest.raises(Http404):
        access.consolidation_unit(officer_a, "region:NAM")
    assert access.consolidation_unit(national, "nation").provinces == ["66", "79"]


# --- pages ------------------------------------------------------------------------------------


def test_list_page_is_scoped(client_for, manager_a, officer_b, national, province_a, project_a):
    submission = submit(manager_a, province_a)
    url = reverse("reports:submission-list")
    page = client_for(manager_a).get(url)
    assert page.status_code == 200
    assert reverse("reports:submission-detail", args=[submission.pk]) in page.content.decode()
    assert b'data-testid="submit-period"' in page.content
    other = client_for(officer_b).get(url)
    assert reverse("reports:submission-detail", args=[submission.pk]) not in other.content.decode()
    listed = client_for(national).get(url, {"province": "66"})
    assert listed.context["page"].paginator.count == 1
    assert b'data-testid="submit-period"' not in listed.content  # national officers read


def test_detail_page_scoping_versions_and_changes(
    client_for, manager_a, officer_b, national, auditor_a, collaborator_a1, province_a, project_a
):
    first = submit(manager_a, province_a)
    listed = client_for(collaborator_a1).get(reverse("reports:submission-list"))
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 0
    assert (
        client_for(collaborator_a1)
        .get(reverse("reports:submission-detail", args=[first.pk]))
        .status_code
        == 404
    )
    pay(project_a, manager=manager_a, amount=50 * M, on=dt.date(2026, 3, 1))
    second = submit(manager_a, province_a, now=at(dt.date(2026, 4, 20)))
    url = reverse("reports:submission-detail", args=[second.pk])
    assert client_for(officer_b).get(url).status_code == 404
    assert client_for(auditor_a).get(url).status_code == 200
    page = client_for(national).get(url)
    assert page.status_code == 200
    changes = page.context["changes"]
    assert [c["code"] for c in changes if c["code"] == "funding.disbursed"] == ["funding.disbursed"]
    html = page.content.decode()
    assert 'data-testid="versions"' in html and 'data-testid="changes"' in html
    assert reverse("reports:submission-detail", args=[first.pk]) in html
    old = client_for(national).get(reverse("reports:submission-detail", args=[first.pk]))
    assert b'data-testid="not-latest"' in old.content
    compared = client_for(national).get(
        reverse("reports:submission-detail", args=[first.pk]), {"compare": 2}
    )
    assert compared.context["changes"][0]["new"] is not None
    assert client_for(national).get(url, {"compare": "9"}).status_code == 404
    assert client_for(national).get(url, {"compare": "x"}).status_code == 404


def test_preview_then_submit(client_for, manager_a, province_a, project_a):
    client = client_for(manager_a)
    url = reverse("reports:submission-create")
    params = {"province": "66", "kind": "quarter", "year": 2026, "quarter": 1}
    preview = client.get(url, params)
    assert preview.status_code == 200 and preview.context["preview"] is not None
    assert not ReportSubmission.objects.exists()
    digest = preview.context["form"].initial["digest"]
    assert digest == submissions.digest(preview.context["preview"])
    # Post back exactly what the rendered form carries.
    html = preview.content.decode()
    form_html = html[html.index('data-testid="submit-form"') :]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form_html))
    assert hidden["digest"] == digest
    assert {k: hidden[k] for k in ("province", "kind", "year", "quarter")} == {
        "province": "66",
        "kind": "quarter",
        "year": "2026",
        "quarter": "1",
    }
    response = client.post(url, {**hidden, "note": "Quý I"})
    submission = ReportSubmission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:submission-detail", args=[submission.pk])
    assert submission.note == "Quý I" and submission.submitted_by == manager_a


def test_submit_refused_when_the_figures_moved(client_for, manager_a, province_a, project_a):
    client = client_for(manager_a)
    url = reverse("reports:submission-create")
    params = {"province": "66", "kind": "quarter", "year": 2026, "quarter": 1}
    digest = client.get(url, params).context["form"].initial["digest"]
    pay(project_a, manager=manager_a, amount=50 * M, on=dt.date(2026, 3, 1))
    response = client.post(url, {**params, "digest": digest})
    assert response.status_code == 200
    assert not ReportSubmission.objects.exists()
    assert value(response.context["preview"]) == 150 * M
    assert response.context["form"].initial["digest"] != digest


def test_submit_page_bad_input(client_for, manager_a, province_a, province_b, national):
    client = client_for(manager_a)
    url = reverse("reports:submission-create")
    with translation.override("en"):
        page = client.get(
            url, {"province": "66", "kind": "quarter", "year": 2026}, HTTP_ACCEPT_LANGUAGE="en"
        )
        # The page speaks the user's language (Vietnamese by default, whatever the header).
        assert page.context["form"].errors["quarter"] in (
            ["Choose the quarter (1–4)."],
            ["Chọn quý (1–4)."],
        )
        future = client.get(url, {"province": "66", "kind": "year", "year": 2030})
        assert future.context["preview"] is None and future.context["form"].errors["kind"]
    # Another province is not a choice for a provincial manager.
    other = client.post(url, {"province": "79", "kind": "quarter", "year": 2026, "quarter": 1})
    assert other.status_code == 200 and "province" in other.context["form"].errors
    assert not ReportSubmission.objects.exists()
    assert client_for(national).get(url).status_code == 403


def test_consolidation_page(
    client_for, national, manager_a, province_a, province_b, project_a, south
):
    submit(manager_a, province_a)
    url = reverse("reports:submission-consolidation")
    page = client_for(national).get(
        url, {"unit": "region:NAM", "kind": "quarter", "year": 2026, "quarter": 1}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="not-submitted"' in html and province_b.name in html
    assert 'data-province="66"' in html and 'data-code="funding.disbursed"' in html
    assert client_for(manager_a).get(url).status_code == 404
    bad = client_for(national).get(url, {"unit": "province:66", "kind": "quarter", "year": 2026})
    assert bad.status_code == 200 and "unit" in bad.context["form"].errors


def test_consolidation_page_queries_do_not_grow_with_provinces(
    client_for, national, manager_a, province_a, province_b, project_a
):
    from khuyencong.places.models import Province

    client = client_for(national)
    url = reverse("reports:submission-consolidation")
    params = {"unit": "nation", "kind": "quarter", "year": 2026, "quarter": 1}
    submit(manager_a, province_a)
    client.get(url, params)  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        assert client.get(url, params).status_code == 200
    for index in range(5):
        province = ProvinceFactory(code=f"{40 + index}")
        CommuneFactory(province=province)
        manager = UserFactory(role=Role.PROVINCIAL_MANAGER, province=province)
        submit(manager, province)
    assert Province.objects.count() == 7
    with CaptureQueriesContext(connection) as after:
        page = client.get(url, params)
    assert page.context["result"]["submitted"] == 6
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_national_agency_returns_a_report_on_its_page(
    client_for, manager_a, national, officer_a, province_a, project_a
):
    submission = submit(manager_a, province_a)
    url = f"/reports/submissions/{submission.pk}/"
    page = client_for(national).get(url).content.decode()
    assert 'data-testid="review-form"' in page
    assert 'data-testid="review-form"' not in client_for(manager_a).get(url).content.decode()
    # A return without a reason is refused with a message; nothing changes.
    client_for(national).post(f"{url}review/", {"action": "return"})
    submission.refresh_from_db()
    assert submission.status == "submitted"
    response = client_for(national).post(
        f"{url}review/", {"action": "return", "reason": "Thiếu số giải ngân"}, follow=True
    )
    submission.refresh_from_db()
    assert submission.status == "returned"
    assert "Thiếu số giải ngân" in response.content.decode()
    assert client_for(officer_a).post(f"{url}review/", {"action": "accept"}).status_code == 403
