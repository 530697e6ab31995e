"""seed_demo builds a believable demo once, with a user for every role."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from khuyencong.accounts.models import User
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory, ProvinceFactory
from khuyencong.places.models import Commune
from khuyencong.registry.models import Establishment, YearlyFigure


@pytest.fixture
def demo_places(db):
    for code, name in (("01", "Hà Nội"), ("66", "Đắk Lắk"), ("82", "Đồng Tháp")):
        province = ProvinceFactory(code=code, short_name=name, name=f"Tỉnh {name}")
        for index in range(14):
            CommuneFactory(code=f"{code}{index:03d}", name=f"Xã Số {index}", province=province)
        for index in range(3):
            CommuneFactory(
                code=f"{code}9{index:02d}",
                name=f"Phường Số {index}",
                kind=Commune.Kind.WARD,
                province=province,
            )


def test_it_refuses_to_run_without_places(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())


def test_it_seeds_every_role_and_establishments_once(demo_places):
    out = StringIO()
    call_command("seed_demo", "--print-logins", stdout=out)
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    count = Establishment.objects.count()
    # 180 from the registry's demo, a few more registered by surveys and applications.
    assert 180 <= count < 200
    assert Establishment.objects.filter(name="Cơ sở sản xuất Tàu hủ ky Bà Tư").exists()
    # The needs survey's figures of the previous year are among the establishments' figures.
    assert YearlyFigure.objects.filter(source=YearlyFigure.Source.SURVEY).exists()
    # Every establishment has a creation record by a real user; some were edited later.
    history = Establishment.history.model.objects
    assert not history.filter(history_type="+", history_user=None).exists()
    assert history.filter(history_type="~").exists()
    printed = out.getvalue()
    assert "canbo_daklak" in printed and "khuyencong" in printed
    _assert_history_spread_over_the_past()

    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert Establishment.objects.count() == count
    assert "already" in again.getvalue()


def test_the_demo_is_deterministic(demo_places):
    call_command("seed_demo", stdout=StringIO())
    first = list(
        Establishment.objects.order_by("name", "tax_code").values_list("name", "tax_code")[:20]
    )
    # Later apps' demo records refer to establishments and users (protected): remove them
    # first, newest app first, without core importing those apps.
    from django.apps import apps

    for label in (
        "reports.SubmissionTransition",
        "reports.ReportSubmission",
        "reports.AggregateValue",
        "reports.IssuingAgency",
        "awards.AwardComplaint",
        "awards.ScoreSheet",
        "awards.AwardEntry",
        "awards.AwardRound",
        "activities.FairParticipation",
        "activities.Fair",
        "activities.Showroom",
        "activities.BrandRegistration",
        "activities.TrainingCourse",
        "activities.ConsultingContract",
        "activities.CommunicationItem",
        "activities.Workshop",
        "surveys.Need",
        "surveys.SurveyResponse",
        "surveys.Application",
        "surveys.SurveyCampaign",
        "programmes.Inspection",
        "programmes.Disbursement",
        "programmes.Project",
        "programmes.AnnualPlan",
        "programmes.Programme",
    ):
        apps.get_model(label).objects.all().delete()
    Establishment.objects.all().delete()
    User.objects.all().delete()
    call_command("seed_demo", stdout=StringIO())
    second = list(
        Establishment.objects.order_by("name", "tax_code").values_list("name", "tax_code")[:20]
    )
    assert first == second


def _assert_history_spread_over_the_past():
    """The demo's history happened over the past years, in office hours, never in the future
    and not all at the minute the demo ran (core/demohistory.py)."""
    import datetime

    from django.apps import apps
    from django.utils import timezone

    now = timezone.now()
    for label in ("registry.Establishment", "programmes.Project", "activities.TrainingCourse"):
        model = apps.get_model(label)
        moments = list(model.history.values_list("history_date", flat=True))
        assert max(moments) <= now
        assert max(moments) - min(moments) > datetime.timedelta(days=90), label
        days = {m.date() for m in moments}
        assert len(days) > len(moments) // 4, label  # not a handful of days
        hours = {timezone.localtime(m).hour for m in moments}
        assert hours <= set(range(7, 17)), (label, hours)
    # A project's history begins before its approval, and "approve" happened on that day.
    Transition = apps.get_model("programmes.ProjectTransition")
    for step in Transition.objects.filter(action="approve").select_related("project")[:20]:
        assert timezone.localtime(step.at).date() == step.project.approved_on
        first = step.project.history.order_by("history_date").first()
        assert first.history_date <= step.at
