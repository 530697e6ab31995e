"""The demo shows the whole programmes module: every state, money, versions, inspections."""

from io import StringIO

from django.core.management import call_command

from khuyencong.core.tests.test_seed_demo import demo_places  # noqa: F401  (fixture)
from khuyencong.programmes import deadlines
from khuyencong.programmes.models import (
    AnnualPlan,
    Disbursement,
    Inspection,
    PlanVersion,
    Programme,
    Project,
    ProjectTransition,
)


def test_demo_has_projects_in_every_state_money_versions_and_inspections(demo_places):  # noqa: F811
    call_command("seed_demo", stdout=StringIO())
    for province in ("01", "66", "82"):
        states = set(Project.objects.filter(province=province).values_list("status", flat=True))
        assert states == set(Project.Status.values), province
    assert Programme.objects.filter(level="national").count() == 2
    assert Programme.objects.filter(level="provincial").count() == 3
    assert Disbursement.objects.filter(kind="advance").exists()
    assert PlanVersion.objects.filter(kind="adjusted").count() == 3
    assert ProjectTransition.objects.exclude(override_reason="").count() == 1
    assert Inspection.objects.filter(done_on__isnull=False, finding="idle").exists()
    assert Inspection.objects.filter(done_on__isnull=True).exists()
    late = [s for s in deadlines.plan_steps(AnnualPlan.objects.all()) if s.late]
    assert late
    # Transitions are recorded by real users, and money never exceeds a budget line.
    assert not ProjectTransition.objects.filter(actor=None).exists()
    for project in Project.objects.prefetch_related("budget_lines", "disbursements"):
        budget = {line.source: line.amount for line in project.budget_lines.all()}
        for d in project.disbursements.all():
            assert d.amount <= budget[d.source]
