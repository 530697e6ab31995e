"""The demo's historical figures: entered once, with one inconsistent declared total."""

from io import StringIO

import pytest
from django.core.management import call_command

from khuyencong.accounts.models import User
from khuyencong.places.factories import CommuneFactory, ProvinceFactory
from khuyencong.places.models import Commune
from khuyencong.reports import consolidation, quality
from khuyencong.reports.models import AggregateValue
from khuyencong.reports.periods import Period
from khuyencong.reports.units import Unit, resolve


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


def test_the_demo_enters_history_with_one_inconsistent_total(demo_places):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Reports:" in out.getvalue()
    assert AggregateValue.objects.filter(start__year=2012, end__year=2024).count() == 0
    assert (
        AggregateValue.objects.filter(indicator="funding.disbursed", start__year=2024).count() == 3
    )
    assert not AggregateValue.history.filter(history_user=None).exists()
    admin = User.objects.get(username="admin")
    found = quality.issues(admin, resolve(Unit.parse("nation")))
    inconsistent = [i for i in found if i["kind"] == quality.INCONSISTENT_TOTAL]
    assert len(inconsistent) == 1
    assert inconsistent[0]["difference"] == 150_000_000


def test_every_demo_province_shows_the_four_forms_with_both_programmes(demo_places):
    from django.utils import timezone

    from khuyencong.reports.forms import FORMS, build_form
    from khuyencong.reports.periods import Period

    call_command("seed_demo", stdout=StringIO())
    year = Period.year(timezone.localdate().year)
    for code in ("01", "66", "82"):
        resolved = resolve(Unit.parse(f"province:{code}"))
        forms = {name: build_form(name, resolved, year) for name in FORMS}
        results = forms["results"].rows
        assert sum(r.values["national"] or 0 for r in results if r.code != "staff.count") > 0
        assert sum(r.values["local"] or 0 for r in results if r.code != "staff.count") > 0
        staff = next(r for r in results if r.code == "staff.count")
        assert staff.values["total"]
        funding = forms["funding"].rows[-1].values
        assert funding["national"] > 0 and funding["local"] > 0, code
        assert funding["planned_national"] > 0 and funding["planned_local"] > 0
        assert forms["awards"].rows[-1].values["registered"] is not None
        programmes = {r.values["funding_level"] for r in forms["projects"].rows[:-1]}
        assert programmes == {"KCQG", "KCĐP"}, code
    # The years before the records: the form reads the demo's aggregate values.
    before = build_form("results", resolve(Unit.parse("province:66")), Period.year(2024))
    vocational = next(r for r in before.rows if r.code == "training.vocational").values
    assert vocational["national"] and vocational["local"]
    assert vocational["total"] == vocational["national"] + vocational["local"]


def test_every_demo_province_and_the_nation_have_their_issuing_agency(demo_places):
    from khuyencong.reports.models import IssuingAgency

    call_command("seed_demo", stdout=StringIO())
    agencies = {a.province_id: a for a in IssuingAgency.objects.all()}
    assert set(agencies) == {"01", "66", "82", None}
    assert agencies["66"].superior == "UBND TỈNH ĐẮK LẮK"
    assert agencies["66"].signer_name == "Y Bhin Niê"
    assert agencies["66"].history.get().history_user.username == "giamdoc_daklak"
    assert agencies[None].signer_name == "Đỗ Minh Quân"


def test_the_demo_shows_an_evaluation_for_each_province(demo_places):
    """docs/impact.md: every demo province's impact page opens on a year with enough
    supported and comparable establishments, and finds the effect the demo put in; the
    years before support run parallel."""
    from django.utils import timezone

    from khuyencong.registry.models import YearlyFigure
    from khuyencong.reports import impact_report

    call_command("seed_demo", stdout=StringIO())
    this_year = timezone.localdate().year
    assert YearlyFigure.objects.filter(year=this_year - 6).exists()
    assert YearlyFigure.objects.filter(source="inspection").exists()
    for unit in ("province:01", "province:66", "province:82", "nation"):
        report = impact_report.build_overview(resolve(Unit.parse(unit)), cohort=None, horizon=1)
        revenue = report["overall"]["revenue"]
        assert report["cohort"] == this_year - 2, unit
        assert revenue["verdict"] == "effect", (unit, revenue["message"])
        assert revenue["treated"] >= 10 and revenue["controls"] >= 10
        assert not revenue["pretrend_warning"], unit
        assert report["kinds"], unit


@pytest.fixture
def whole_country(demo_places):
    """The demo provinces and three more without demo users."""
    for code, name in (("04", "Cao Bằng"), ("08", "Tuyên Quang"), ("11", "Điện Biên")):
        province = ProvinceFactory(code=code, short_name=name, name=f"Tỉnh {name}")
        for index in range(3):
            CommuneFactory(code=f"{code}{index:03d}", name=f"Xã Số {index}", province=province)


def test_every_province_shows_its_four_forms_and_reports(whole_country):
    from django.utils import timezone

    from khuyencong.reports import overview
    from khuyencong.reports.demo_country import last_finished_quarter
    from khuyencong.reports.forms import FORMS, build_form
    from khuyencong.reports.models import ReportSubmission

    call_command("seed_demo", stdout=StringIO())
    quarter = last_finished_quarter(timezone.localdate())
    year = Period.year(quarter.start.year)
    for code in ("01", "66", "82", "04", "08", "11"):
        resolved = resolve(Unit.parse(f"province:{code}"))
        # The demo provinces' awards rounds close on their own days: the year is checked;
        # the other provinces' records all lie in the quarter.
        for period in (year,) if code in ("01", "66", "82") else (year, quarter):
            forms = {name: build_form(name, resolved, period) for name in FORMS}
            results = [r for r in forms["results"].rows if r.code != "staff.count"]
            assert sum(r.values["total"] or 0 for r in results) > 0, (code, period)
            assert forms["funding"].rows[-1].values["total"] > 0, (code, period)
            assert forms["awards"].rows[-1].values["registered"] > 0, (code, period)
            assert len(forms["projects"].rows) > 1, (code, period)
            if code not in ("01", "66", "82"):
                # Nothing missing: the form is the province's whole answer.
                for name, form in forms.items():
                    assert not (form.completeness and form.completeness.missing), (code, name)
    # Every other province's report of the quarter is in; the national agency accepted it.
    others = ReportSubmission.objects.filter(
        province__in=["04", "08", "11"], start=quarter.start, end=quarter.end
    )
    assert others.count() == 3
    assert set(others.values_list("status", flat=True)) == {"accepted"}
    national = consolidation.consolidate_forms(resolve(Unit.parse("nation")), quarter)
    assert national[0].completeness.reported == 4  # the three and the first demo province
    lines = overview.province_lines(resolve(Unit.parse("nation")), quarter)
    assert all(line.spent for line in lines)
