"""The demo shows the whole network: coverage gaps, an ended term, trainings and rewards,
reports in every status (late, missing, returned with a reason), difficulties in every
status, and the demo collaborator login linked to its record with this quarter to file."""

from io import StringIO

from django.core.management import call_command

from khuyencong.accounts.models import User
from khuyencong.core.tests.test_seed_demo import demo_places  # noqa: F401  (fixture)
from khuyencong.network import access, deadlines, services
from khuyencong.network.models import (
    Collaborator,
    CollaboratorReward,
    CollaboratorTraining,
    Difficulty,
    QuarterlyReport,
    ReportTransition,
)
from khuyencong.network.quarters import quarter_of
from khuyencong.places.models import Province


def test_demo_has_the_whole_network(demo_places):  # noqa: F811
    call_command("seed_demo", stdout=StringIO())
    today = services.today()
    for code in ("01", "66", "82"):
        reports = QuarterlyReport.objects.filter(province=code)
        assert set(reports.values_list("status", flat=True)) == set(QuarterlyReport.Status.values)
        roster = services.roster(Province.objects.get(pk=code))
        assert 0 < roster.covered < roster.total
        difficulties = Difficulty.objects.filter(province=code, report__submitted_at__isnull=False)
        assert set(difficulties.values_list("status", flat=True)) == set(Difficulty.Status.values)
        entries = deadlines.late_reports(Collaborator.objects.filter(province=code), today)
        states = {e.state for e in entries}
        assert states == {deadlines.LATE, deadlines.MISSING}, code
        assert any(e.missing and e.report_id is None for e in entries)
        assert Collaborator.objects.filter(province=code, active_until__lt=today).exists()
    returned = QuarterlyReport.objects.filter(status="returned")
    assert returned.exists() and not returned.filter(return_reason="").exists()
    assert CollaboratorTraining.objects.exists() and CollaboratorReward.objects.exists()
    # The demo login files their own reports and still has this quarter to file.
    login = User.objects.get(username="ctv_daklak")
    record = Collaborator.objects.get(user=login)
    assert set(record.communes.all()) == set(login.communes.all())
    assert access.reports_for(login).count() == 4
    current = quarter_of(today)
    assert not record.reports.filter(year=current.year, quarter=current.quarter).exists()
    # Steps are dated in order and taken by real users.
    for report in QuarterlyReport.objects.exclude(submitted_at=None):
        assert report.created_at <= report.submitted_at
        if report.reviewed_at:
            assert report.submitted_at <= report.reviewed_at
    assert not ReportTransition.objects.filter(actor=None).exists()
