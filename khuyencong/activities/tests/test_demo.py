"""The demo records three years of activities per demo province, through the services."""

import datetime
import time
from io import StringIO

from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from khuyencong.activities import indicators
from khuyencong.activities.models import (
    STUDY_TOURS,
    BrandRegistration,
    ConsultingContract,
    ConsultingReceipt,
    Fair,
    FairParticipation,
    StaffCount,
    Trainee,
    TrainingCourse,
    Workshop,
)
from khuyencong.core.tests.test_seed_demo import demo_places  # noqa: F401  (fixture)


def test_demo_has_three_years_of_activities(demo_places):  # noqa: F811
    began = time.monotonic()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert time.monotonic() - began < 120
    assert "demo activities" in out.getvalue()
    today = timezone.localdate()
    for code in ("01", "66", "82"):
        for year in (today.year - 2, today.year - 1):
            courses = TrainingCourse.objects.filter(province=code, end_date__year=year)
            assert 6 <= courses.count() <= 10
            fairs = Fair.objects.filter(province=code, start_date__year=year)
            assert 3 <= fairs.count() <= 6 and fairs.filter(organised=True, booths__gt=0).exists()
            # Workshops and conferences, and a study tour at home and one abroad.
            workshops = Workshop.objects.filter(province=code, date__year=year)
            assert 2 <= workshops.exclude(kind__in=STUDY_TOURS).count() <= 4
            assert workshops.filter(kind__in=STUDY_TOURS).count() == 2
            assert StaffCount.objects.filter(province=code, year=year).exists()
            # The centre's own activities are under both programmes.
            own = TrainingCourse.objects.filter(province=code, project__isnull=True)
            assert set(own.values_list("funding_level", flat=True)) <= {"national", "local"}
        assert not TrainingCourse.objects.filter(province=code, end_date__gt=today).exists()
        courses = TrainingCourse.objects.filter(province=code)
        assert courses.filter(project__category__in=["01", "02"]).exists()
        assert Trainee.objects.filter(course__province=code).exists()
        # Some establishments take part in several fairs.
        repeated = (
            FairParticipation.objects.filter(fair__province=code)
            .values("establishment")
            .annotate(n=Count("fair"))
            .filter(n__gt=1)
        )
        assert repeated.exists()
    assert set(BrandRegistration.objects.values_list("status", flat=True)) >= {"filed", "granted"}
    assert ConsultingReceipt.objects.exists()
    assert ConsultingContract.objects.filter(receipts__isnull=True).exists()
    assert not TrainingCourse.history.filter(history_user=None).exists()
    start = datetime.date(today.year - 2, 1, 1)
    figures = indicators.values(start=start, end=today)
    assert figures["fairs.participations"] > figures["fairs.establishments"] > 0
    percent = figures["trainees.employed_percent"]
    assert percent is not None and 55 <= percent <= 92
