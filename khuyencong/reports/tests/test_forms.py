"""The official report forms (shared/API.md, "Official report forms") built from records made
through the real services: two provinces of one region (Đắk Lắk 66 with communes a1 and a2,
Hồ Chí Minh 79 with commune b1), in 2026, with an activity paid by a national project, one by
a local project and one without a project under its own programme; KCQG and KCĐP columns
checked against sums worked out by hand."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from knox.models import AuthToken
from rest_framework.test import APIClient

from khuyencong.activities import services as activities
from khuyencong.activities.models import Fair, TrainingCourse, Workshop
from khuyencong.awards.factories import AwardEntryFactory, AwardRoundFactory, score_and_close
from khuyencong.places.factories import RegionFactory
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.reports.factories import accept, approved_project, enter, pay
from khuyencong.reports.forms import FORMS, build_form
from khuyencong.reports.periods import Period
from khuyencong.reports.units import Unit, resolve

M = 1_000_000
D = datetime.date
YEAR = Period.year(2026)


def course(actor, province, *, participants, employed, commune, project=None, level="", **extra):
    end = extra.pop("end_date", D(2026, 5, 20))
    return activities.create_activity(
        actor=actor,
        model=TrainingCourse,
        data={
            "province": province,
            "commune": commune,
            "title": "Đào tạo nghề mây tre đan",
            "topic": extra.pop("topic", "vocational"),
            "start_date": end - datetime.timedelta(days=30),
            "end_date": end,
            "participants": participants,
            "employed_after": employed,
            "project": project,
            "funding_level": level,
        },
    )


@pytest.fixture
def region(province_a, province_b):
    both = RegionFactory(code="MIEN", name="Khu vực thử")
    both.provinces.set([province_a, province_b])
    return both


@pytest.fixture
def records(
    region, manager_a, officer_a, officer_b, province_a, province_b, commune_a1, commune_a2,
    commune_b1,
):  # fmt: skip
    est_a1 = EstablishmentFactory(name="Cơ sở mây tre Ea Kar", commune=commune_a1)
    est_a2 = EstablishmentFactory(name="HTX cà phê Buôn Ma Thuột", commune=commune_a2)
    # Đắk Lắk: a national demonstration-model project in commune a1, accepted in June...
    model = approved_project(
        manager=manager_a,
        province=province_a,
        year=2026,
        approved_on=D(2026, 2, 1),
        state=400 * M,
        counterpart=1000 * M,
        commune=commune_a1,
        beneficiaries=[est_a1],
        category="03",
        subtype="03-MOHINH",
        outputs={"models.count": 1, "models.investment": 900 * M},
    )
    pay(model, manager=manager_a, amount=150 * M, on=D(2026, 3, 10))
    accept(model, manager=manager_a, on=D(2026, 6, 15))
    # ... and a local vocational-training project.
    training = approved_project(
        manager=manager_a,
        province=province_a,
        year=2026,
        approved_on=D(2026, 2, 1),
        state=100 * M,
        counterpart=0,
        funding_level="local",
        category="01",
        subtype="01-NGHE",
        outputs={"trainees.count": 30},
    )
    pay(training, manager=manager_a, amount=60 * M, on=D(2026, 4, 1))
    # Three courses: paid by the national project, by the local one, and the centre's own
    # course under the national programme.
    course(officer_a, province_a, participants=40, employed=30, commune=commune_a2, project=model)
    course(
        officer_a, province_a, participants=30, employed=24, commune=commune_a1, project=training
    )
    course(
        officer_a, province_a, participants=20, employed=10, commune=commune_a1, level="national"
    )
    # A study tour abroad (national), one at home (local), a fair the province organised.
    for kind, persons, level in (
        ("study_tour_abroad", 15, "national"),
        ("study_tour", 20, "local"),
    ):
        activities.create_activity(
            actor=officer_a,
            model=Workshop,
            data={
                "province": province_a, "commune": commune_a1, "title": "Đoàn tham quan",
                "kind": kind, "topic": "market", "date": D(2026, 8, 1), "attendees": persons,
                "funding_level": level,
            },
        )  # fmt: skip
    fair = activities.create_activity(
        actor=officer_a,
        model=Fair,
        data={
            "province": province_a, "commune": commune_a1, "name": "Hội chợ CNNT Đắk Lắk",
            "level": "province", "start_date": D(2026, 9, 1), "end_date": D(2026, 9, 5),
            "organised": True, "booths": 150, "funding_level": "local",
        },
    )  # fmt: skip
    for establishment in (est_a1, est_a2):
        activities.add_participation(actor=officer_a, fair=fair, establishment=establishment)
    activities.record_staff_count(actor=officer_a, province=province_a, year=2026, staff=20)
    # Typical products: a provincial round closing in October, one of two entries certified.
    award_round = AwardRoundFactory(province=province_a, year=2026)
    food = AwardEntryFactory(round=award_round, establishment=est_a1, group="food")
    craft = AwardEntryFactory(round=award_round, establishment=est_a2, group="handicraft")
    score_and_close(
        manager_a, award_round, {food: [80] * 7, craft: [60] * 7}, closing_date=D(2026, 10, 20)
    )
    # Outside the period: a 2025 project and course of Đắk Lắk.
    old = approved_project(
        manager=manager_a,
        province=province_a,
        year=2025,
        approved_on=D(2025, 2, 1),
        state=100 * M,
        category="03",
        subtype="03-MOHINH",
        outputs={"models.count": 5},
    )
    accept(old, manager=manager_a, on=D(2025, 6, 1))
    course(
        officer_a, province_a, participants=100, employed=50, commune=commune_a1,
        level="local", end_date=D(2025, 11, 30),
    )  # fmt: skip
    # Hồ Chí Minh: a national training project with its course, and a local course.
    from khuyencong.accounts.factories import UserFactory

    manager_b = UserFactory(username="manager_b", role="provincial_manager", province=province_b)
    national_b = approved_project(
        manager=manager_b,
        province=province_b,
        year=2026,
        approved_on=D(2026, 3, 1),
        state=80 * M,
        counterpart=20 * M,
        category="01",
        subtype="01-NGHE",
        outputs={"trainees.count": 25},
    )
    pay(national_b, manager=manager_b, amount=80 * M, on=D(2026, 5, 1))
    pay(national_b, manager=manager_b, amount=20 * M, on=D(2026, 5, 1), source="counterpart")
    course(
        officer_b, province_b, participants=25, employed=20, commune=commune_b1, project=national_b
    )
    course(officer_b, province_b, participants=10, employed=None, commune=commune_b1, level="local")
    activities.record_staff_count(actor=officer_b, province=province_b, year=2026, staff=12)
    return {"model": model, "training": training, "national_b": national_b, "old": old}


def form_of(code, unit, period=YEAR):
    return build_form(code, resolve(Unit.parse(unit)), period)


def row(form, code):
    return next(r for r in form.rows if r.code == code)


def split(form, code):
    values = row(form, code).values
    return values["national"], values["local"], values["total"]


# --- the results form -------------------------------------------------------------------------


def test_results_split_each_output_by_the_programme_of_its_project_or_its_own(records):
    form = form_of("results", "province:66")
    # 40 (national project) + 20 (own national) | 30 (local project); the 2025 course not.
    assert split(form, "training.vocational") == (60, 30, 90)
    assert split(form, "training.vocational.employed") == (40, 24, 64)
    assert split(form, "study_tours.abroad.groups") == (1, 0, 1)
    assert split(form, "study_tours.abroad.persons") == (15, 0, 15)
    assert split(form, "study_tours.domestic.persons") == (0, 20, 20)
    assert split(form, "workshops.count") == (0, 0, 0)  # study tours are not workshops
    assert split(form, "fairs.organised") == (0, 1, 1)
    assert split(form, "fairs.booths") == (0, 150, 150)
    assert split(form, "fairs.establishments") == (0, 2, 2)
    # Outputs at acceptance, of 2026 only (the 2025 project's 5 models are not counted).
    assert split(form, "models.demonstration") == (1, 0, 1)
    assert split(form, "models.demonstration.investment") == (900 * M, 0, 900 * M)
    assert row(form, "models.demonstration.investment").kind == "money"
    # Provincial rounds are the local programme's.
    assert split(form, "awards.products") == (0, 1, 1)
    assert row(form, "staff.count").values == {"national": None, "local": None, "total": 20}
    assert [c.key for c in form.columns] == ["national", "local", "total"]


def test_results_of_a_commune_count_what_was_placed_there(records):
    form = form_of("results", "commune:24100")
    # Commune a1: the own national course (20) and the local project's course (30).
    assert split(form, "training.vocational") == (20, 30, 50)
    assert split(form, "models.demonstration") == (1, 0, 1)  # the project lies in a1
    assert split(form, "fairs.establishments") == (0, 2, 2)  # the fair lies in a1
    assert row(form, "staff.count").values["total"] is None


def test_results_of_the_region_and_the_nation_add_both_provinces(records):
    for unit in ("region:MIEN", "nation"):
        form = form_of("results", unit)
        # Đắk Lắk 60 | 30, Hồ Chí Minh 25 (national project) | 10 (own local).
        assert split(form, "training.vocational") == (85, 40, 125), unit
        assert row(form, "staff.count").values["total"] == 32
    only_b = form_of("results", "province:79")
    assert split(only_b, "training.vocational") == (25, 10, 35)
    assert split(only_b, "models.demonstration") == (0, 0, 0)


def test_results_before_the_records_come_from_aggregate_values(records, admin):
    # Records start on 1 January 2025 (the catalogue's nationwide default).
    enter(
        admin,
        "results.training.vocational.national",
        "province:66",
        "2024-01-01",
        "2024-12-31",
        500,
    )
    enter(
        admin, "results.training.vocational.local", "province:66", "2024-01-01", "2024-12-31", 200
    )
    enter(admin, "results.fairs.organised", "province:66", "2024-01-01", "2024-12-31", 3)
    form = form_of("results", "province:66", Period.year(2024))
    assert split(form, "training.vocational") == (500, 200, 700)
    # Only the total was entered: the columns stay unanswered, the total is given.
    assert split(form, "fairs.organised") == (None, None, 3)
    assert form.notes  # one line says why
    # 2024–2026: the aggregates of 2024 plus the records of 2025 (100, local) and 2026.
    both = form_of("results", "province:66", Period.years(2024, 2026))
    assert split(both, "training.vocational") == (560, 330, 890)


@pytest.mark.parametrize("unit", ["commune:24100", "province:66", "region:MIEN", "nation"])
def test_each_form_takes_a_fixed_number_of_queries(records, unit, django_assert_max_num_queries):
    resolved = resolve(Unit.parse(unit))
    # Measured: the same for a commune, a province, a region and the nation; computed afresh
    # (not from the cache of the records figures), with one read of the data versions.
    limits = {"results": 13, "funding": 9, "awards": 4, "projects": 3}
    for code, limit in limits.items():
        caches["reports"].clear()
        with django_assert_max_num_queries(limit):
            build_form(code, resolved, YEAR)


# --- the funding form -------------------------------------------------------------------------


def test_funding_rows_follow_the_catalogue_with_money_by_source(records):
    form = form_of("funding", "province:66")
    codes = [r.code for r in form.rows]
    assert codes[:3] == ["01", "01-NGHE", "01-TRUYENNGHE"] and codes[-1] == "total"
    assert row(form, "03").values == {
        "planned_national": 400 * M, "planned_local": 0, "national": 150 * M, "local": 0,
        "total": 150 * M, "counterpart": 0,
    }  # fmt: skip
    assert row(form, "03-MOHINH").values["national"] == 150 * M
    assert row(form, "01").values["local"] == 60 * M
    assert row(form, "01").values["planned_local"] == 100 * M
    total = row(form, "total").values
    assert (total["national"], total["local"], total["total"]) == (150 * M, 60 * M, 210 * M)
    assert (total["planned_national"], total["planned_local"]) == (400 * M, 100 * M)
    region = form_of("funding", "region:MIEN")
    assert row(region, "01-NGHE").values["national"] == 80 * M
    assert row(region, "01-NGHE").values["counterpart"] == 20 * M
    assert row(region, "total").values["total"] == 290 * M
    commune = form_of("funding", "commune:24100")
    assert row(commune, "total").values["national"] == 150 * M  # the model project only
    assert row(commune, "01").values["local"] == 0


# --- the awards form --------------------------------------------------------------------------


def test_awards_count_registered_and_certified_by_level_and_group(records):
    form = form_of("awards", "province:66")
    assert row(form, "province.food").values == {"registered": 1, "certified": 1}
    assert row(form, "province.handicraft").values == {"registered": 1, "certified": 0}
    assert row(form, "province").values == {"registered": 2, "certified": 1}
    assert row(form, "total").values == {"registered": 2, "certified": 1}
    assert "district" not in [r.code for r in form.rows]  # no district rounds after 2025
    assert row(form_of("awards", "province:79"), "total").values["registered"] == 0
    assert row(form_of("awards", "nation"), "total").values == {"registered": 2, "certified": 1}


# --- the project list -------------------------------------------------------------------------


def test_the_project_list_shows_the_projects_of_the_period_and_the_place(records):
    form = form_of("projects", "province:66")
    listed = [r.code for r in form.rows[:-1]]
    assert listed == sorted([records["model"].code, records["training"].code])
    model = row(form, records["model"].code).values
    assert model["funding_level"] == "KCQG" and model["years"]
    assert (model["budget"], model["national"], model["counterpart"]) == (
        1400 * M,
        400 * M,
        1000 * M,
    )
    assert model["beneficiaries"] == 1 and model["status"] == "Đã nghiệm thu"
    assert row(form, "total").values["budget"] == 1500 * M
    region = form_of("projects", "region:MIEN")
    assert len(region.rows) == 4 and records["old"].code not in [r.code for r in region.rows]


# --- the API ----------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    _instance, secret = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_the_api_lists_the_forms_and_answers_one(records, officer_a):
    client = api(officer_a)
    listed = client.get("/api/v1/reports/forms/").json()
    assert [f["code"] for f in listed] == list(FORMS)
    body = client.get("/api/v1/reports/forms/results/?unit=province:66&year=2026").json()
    assert body["form"] == "results" and body["start"] == "2026-01-01"
    vocational = next(r for r in body["rows"] if r["code"] == "training.vocational")
    assert (vocational["national"], vocational["local"], vocational["total"]) == (60, 30, 90)
    half = client.get("/api/v1/reports/forms/funding/?unit=province:66&year=2026&months=6")
    assert half.json()["end"] == "2026-06-30"
    ranged = client.get(
        "/api/v1/reports/forms/awards/?unit=province:66&start=2026-10-01&end=2026-12-31"
    )
    assert ranged.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/api/v1/reports/forms/budget/?unit=province:66&year=2026", "form"),
        ("/api/v1/reports/forms/results/?unit=province:99&year=2026", "unit"),
        ("/api/v1/reports/forms/results/?unit=bogus&year=2026", "unit"),
        ("/api/v1/reports/forms/results/?unit=province:66&year=1800", "year"),
        ("/api/v1/reports/forms/results/?unit=province:66&year=20x6", "year"),
        ("/api/v1/reports/forms/results/?unit=province:66", "year"),
        ("/api/v1/reports/forms/results/?unit=province:66&year=2026&quarter=5", "quarter"),
        (
            "/api/v1/reports/forms/results/?unit=province:66&start=2026-13-01&end=2026-12-31",
            "start",
        ),
        ("/api/v1/reports/forms/results/?unit=province:66&year=2026&format=odt", "format"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(records, admin, query, field):
    response = api(admin).get(query)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_province_reads_only_its_own_forms(records, officer_b, collaborator_a1, national):
    assert (
        api(officer_b).get("/api/v1/reports/forms/results/?unit=province:66&year=2026").status_code
        == 404
    )
    assert (
        api(officer_b).get("/api/v1/reports/forms/results/?unit=nation&year=2026").status_code
        == 404
    )
    own = api(officer_b).get("/api/v1/reports/forms/results/?unit=province:79&year=2026")
    assert own.status_code == 200
    collaborator = api(collaborator_a1)
    assert (
        collaborator.get("/api/v1/reports/forms/results/?unit=commune:24100&year=2026").status_code
        == 200
    )
    assert (
        collaborator.get("/api/v1/reports/forms/results/?unit=province:66&year=2026").status_code
        == 404
    )
    assert (
        api(national).get("/api/v1/reports/forms/funding/?unit=nation&year=2026").status_code == 200
    )
    assert APIClient().get("/api/v1/reports/forms/").status_code in (401, 403)


def test_a_pre_2025_province_reads_the_records_of_its_communes(records, merged):
    # Old Phú Yên (54) became commune a2 of Đắk Lắk: the national project's course lies there.
    form = form_of("results", "legacy-province:54")
    assert split(form, "training.vocational") == (40, 0, 40)
    assert split(form, "models.demonstration") == (0, 0, 0)  # the project lies in a1
    old_daklak = form_of("results", "legacy-province:66")
    assert split(old_daklak, "training.vocational") == (20, 30, 50)


def test_notes_are_one_line_per_explanation_naming_the_rows():
    from khuyencong.reports.forms.common import form_notes

    notes = [("1", "A"), ("2", "A"), ("3", "B"), ("", "A")]
    assert form_notes(notes, rows=5) == ["Dòng 1, 2: A", "Dòng 3: B"]
    assert form_notes([(str(n), "A") for n in range(1, 6)], rows=5) == ["Tất cả các dòng: A"]
    many = form_notes([(str(n), "A") for n in range(1, 10)], rows=30)
    assert many == ["Dòng 1, 2, 3, 4, 5, 6 và 3 dòng khác: A"]
