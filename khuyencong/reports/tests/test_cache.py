"""The cache of the figures computed from the records (reports/cache.py) and its invalidation
by the data versions (core/dataversions.py): computed once and then served with one query;
never served after a record it counts changed, in any of the ways records change (saves,
deletes, links, bulk writes); a province's change leaves the other provinces' values
reachable; the same figures as without the cache."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from khuyencong.activities import models as activities
from khuyencong.awards.factories import AwardEntryFactory, AwardRoundFactory
from khuyencong.core import dataversions
from khuyencong.core.bulk import create_with_history
from khuyencong.core.models import DataVersion
from khuyencong.network.factories import CollaboratorFactory
from khuyencong.network.models import QuarterlyReport, ReportDeadline
from khuyencong.places.models import LegacyCommune, Province
from khuyencong.programmes.models import (
    BudgetLine,
    Disbursement,
    Project,
    ProjectBeneficiary,
    ProjectOutput,
)
from khuyencong.programmes.services import projects as project_services
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Establishment, Sector
from khuyencong.reports import cache, records, summary
from khuyencong.reports.factories import accept, approved_project, enter, pay
from khuyencong.reports.models import Indicator, RecordsSince
from khuyencong.reports.periods import Period
from khuyencong.reports.units import Unit, resolve
from khuyencong.surveys.models import Need

M = 1_000_000
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
NATION = records.Scope()
TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


def every_code() -> set[str]:
    """Every catalogue code and a code of each official form family (reports.forms.records)."""
    return set(Indicator.objects.values_list("code", flat=True)) | {
        "results.establishments.founded",
        "results.staff.count",
        "form.funding.spent.03.national",
        "form.funding.planned.03.national",
        "form.awards.certified.province.food",
    }


def tables_read(queries) -> set[str]:
    return {t for q in queries for t in TABLE.findall(q["sql"])}


def compute(scope, codes, period=YEAR):
    """(the values, the queries it took) through the cache."""
    with CaptureQueriesContext(connection) as queries:
        found = records.compute(scope, *period, codes)
    return found.values, list(queries.captured_queries)


def version(scope: str) -> int:
    row = DataVersion.objects.filter(scope=scope).first()
    return row.version if row else 0


# --- what the computation reads ---------------------------------------------------------------


def test_the_computation_reads_only_the_declared_dependencies(province_a, commune_a1, merged):
    """A table read by the computation but not in ``cache.DEPENDENCIES`` would let a cached
    value outlive a change to it: list it there (with its path to a province)."""
    codes = every_code()
    read: set[str] = set()
    for scope in (
        NATION,
        records.Scope(provinces=(province_a.pk,)),
        records.Scope(provinces=(province_a.pk,), communes=(commune_a1.pk,), legacy_province="66"),
    ):
        with CaptureQueriesContext(connection) as queries:
            records.compute_uncached(scope, *YEAR, codes)
        read |= tables_read(queries.captured_queries)
    assert read == cache.tables()


def test_every_dependency_raises_the_versions():
    watched = {model._meta.label for model in dataversions.watched()}
    links = {
        apps.get_model(owner)._meta.get_field(field).remote_field.through._meta.label
        for owner, field in cache.LINKS.values()
    }
    assert watched == set(cache.DEPENDENCIES) | set(cache.STORED_DEPENDENCIES) | links


# --- served from the cache ------------------------------------------------------------------


@pytest.fixture
def money(manager_a, province_a, province_b, officer_b):
    from khuyencong.accounts.factories import UserFactory
    from khuyencong.core.roles import Role

    manager_b = UserFactory(username="manager_b", role=Role.PROVINCIAL_MANAGER, province=province_b)
    a = approved_project(
        manager=manager_a, province=province_a, year=2026, approved_on=dt.date(2026, 2, 1)
    )
    b = approved_project(
        manager=manager_b, province=province_b, year=2026, approved_on=dt.date(2026, 3, 1)
    )
    pay(a, manager=manager_a, amount=100 * M, on=dt.date(2026, 4, 1))
    pay(b, manager=manager_b, amount=70 * M, on=dt.date(2026, 5, 1))
    return {"a": a, "b": b, "manager_b": manager_b}


def test_a_computation_is_served_from_the_cache_with_one_query(money, province_a):
    codes = every_code()
    first, cold = compute(NATION, codes)
    again, warm = compute(NATION, codes)
    assert again == first
    assert first["funding.disbursed"] == 170 * M
    assert len(cold) > 15
    # Only the data versions are read.
    assert len(warm) == 1 and tables_read(warm) == {DataVersion._meta.db_table}
    _values, province_warm = compute(records.Scope(provinces=(province_a.pk,)), codes)
    _values, province_warm = compute(records.Scope(provinces=(province_a.pk,)), codes)
    assert len(province_warm) == 1


def test_the_national_summary_reads_the_versions_once_when_cached(money):
    unit = resolve(Unit.parse("nation"))
    period = Period.year(2026)
    with CaptureQueriesContext(connection) as cold:
        first = summary.build(unit, period)
    with CaptureQueriesContext(connection) as warm:
        again = summary.build(unit, period)
    assert again == first
    versions = [q for q in warm.captured_queries if DataVersion._meta.db_table in q["sql"]]
    assert len(versions) == 1
    record_tables = cache.tables()
    assert not tables_read(warm.captured_queries) & record_tables
    assert tables_read(cold.captured_queries) & record_tables
    # What is left: the catalogue, where records begin and the versions.
    assert len(warm.captured_queries) == 3


def test_the_figures_are_the_same_with_the_cache_cleared(money):
    unit = resolve(Unit.parse("nation"))
    period = Period.year(2026)
    summary.build(unit, period)
    cached = summary.build(unit, period)
    caches[cache.CACHE].clear()
    assert summary.build(unit, period) == cached


def test_a_summary_api_request_is_served_from_the_cache(money, client_for, national):
    client = client_for(national)
    url = "/api/v1/reports/summary/"
    params = {"unit": "nation", "start": "2026-01-01", "end": "2026-12-31"}
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url, params, HTTP_ACCEPT="application/json; version=1")
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url, params, HTTP_ACCEPT="application/json; version=1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert not tables_read(warm.captured_queries) & cache.tables()
    assert len(cold.captured_queries) - len(warm.captured_queries) >= 15


# --- invalidation: the figures after each kind of change -------------------------------------


def _disbursed(scope=NATION):
    return compute(scope, {"funding.disbursed"})[0]["funding.disbursed"]


def test_a_disbursement_created_changed_or_deleted_shows_at_once(money, manager_a):
    assert _disbursed() == 170 * M
    assert _disbursed() == 170 * M  # cached
    payment = pay(money["a"], manager=manager_a, amount=5 * M, on=dt.date(2026, 6, 1))
    assert _disbursed() == 175 * M
    payment = Disbursement.objects.get(pk=payment.pk)
    payment.amount = 9 * M
    payment.save()
    assert _disbursed() == 179 * M
    payment.delete()
    assert _disbursed() == 170 * M


def test_a_project_and_its_budget_show_at_once(money, manager_a, province_a):
    codes = {"projects.approved", "funding.planned"}
    before = compute(NATION, codes)[0]
    assert before["projects.approved"] == 2
    assert compute(NATION, codes)[0] == before
    line = BudgetLine.objects.filter(project=money["a"]).first()
    line.amount += 1 * M
    line.save()
    assert compute(NATION, codes)[0]["funding.planned"] == before["funding.planned"] + 1 * M
    approved_project(
        manager=manager_a, province=province_a, year=2026, approved_on=dt.date(2026, 7, 1)
    )
    assert compute(NATION, codes)[0]["projects.approved"] == 3
    project = Project.objects.get(pk=money["b"].pk)
    project.approved_on = dt.date(2025, 3, 1)
    project.save()
    assert compute(NATION, codes)[0]["projects.approved"] == 2


def test_beneficiaries_set_in_bulk_show_at_once(money, manager_a, commune_a1):
    project = accept(money["a"], manager=manager_a, on=dt.date(2026, 9, 1))
    code = {"establishments.supported"}
    assert compute(NATION, code)[0]["establishments.supported"] == 0
    assert compute(NATION, code)[0]["establishments.supported"] == 0
    establishments = [EstablishmentFactory(commune=commune_a1) for _ in range(3)]
    # The service writes the links with bulk_create (no save signals).
    project_services._set_beneficiaries(manager_a, project, [e.pk for e in establishments])
    assert compute(NATION, code)[0]["establishments.supported"] == 3
    ProjectBeneficiary.objects.filter(project=project).first().delete()
    assert compute(NATION, code)[0]["establishments.supported"] == 2


def test_network_awards_needs_and_activities_show_at_once(province_a, commune_a1, manager_a, admin):
    codes = {
        "collaborators.active",
        "needs.count",
        "awards.products.province",
        "trainees.count",
        "showrooms.count",
        "workshops.attendees",
    }
    before = compute(NATION, codes)[0]
    assert compute(NATION, codes)[0] == before
    collaborator = CollaboratorFactory(province=province_a)
    assert compute(NATION, codes)[0]["collaborators.active"] == before["collaborators.active"] + 1
    collaborator.delete()
    establishment = EstablishmentFactory(commune=commune_a1)
    Need.objects.create(
        province=province_a,
        commune=commune_a1,
        establishment=establishment,
        sector=establishment.sector,
        year=2026,
        category_id="03",
        description="Máy sấy",
        estimated_cost=10 * M,
    )
    after = compute(NATION, codes)[0]
    assert after["collaborators.active"] == before["collaborators.active"]
    assert after["needs.count"] == (before["needs.count"] or 0) + 1
    entry = AwardEntryFactory(
        round=AwardRoundFactory(province=province_a, year=2026),
        establishment=establishment,
        certified=True,
        issued_on=dt.date(2026, 6, 1),
        valid_until=dt.date(2029, 6, 1),
    )
    assert compute(NATION, codes)[0]["awards.products.province"] == 1
    entry.certified = False
    entry.save()
    assert compute(NATION, codes)[0]["awards.products.province"] == 0
    course = activities.TrainingCourse.objects.create(
        province=province_a,
        title="Dệt thổ cẩm",
        topic="vocational",
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 20),
        participants=12,
    )
    assert compute(NATION, codes)[0]["trainees.count"] == 12
    course.participants = 15
    course.save()
    assert compute(NATION, codes)[0]["trainees.count"] == 15
    workshop = activities.Workshop.objects.create(
        province=province_a,
        title="Sản xuất sạch hơn",
        topic="cleaner_production",
        date=dt.date(2026, 4, 2),
        attendees=30,
    )
    assert compute(NATION, codes)[0]["workshops.attendees"] == 30
    supported = {"establishments.supported"}
    assert compute(NATION, supported)[0]["establishments.supported"] == 0
    workshop.establishments.add(establishment)
    assert compute(NATION, supported)[0]["establishments.supported"] == 1
    workshop.establishments.clear()
    assert compute(NATION, supported)[0]["establishments.supported"] == 0


# --- invalidation: every kind of record, only its province -----------------------------------


@pytest.fixture
def places(province_a, province_b, commune_a1, commune_b1, manager_a, merged):
    establishment = EstablishmentFactory(commune=commune_a1)
    project = approved_project(
        manager=manager_a, province=province_a, year=2026, approved_on=dt.date(2026, 2, 1)
    )
    return {
        "round": AwardRoundFactory(province=province_a),
        "a": province_a,
        "b": province_b,
        "commune_a": commune_a1,
        "commune_b": commune_b1,
        "establishment": establishment,
        "project": project,
        "manager": manager_a,
    }


def _course(p):
    return activities.TrainingCourse.objects.create(
        province=p["a"],
        title="Dệt",
        topic="vocational",
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 2),
    )


def _fair(p):
    return activities.Fair.objects.create(
        province=p["a"],
        name="Hội chợ",
        level="province",
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 2),
    )


def _contract(p):
    return activities.ConsultingContract.objects.create(
        province=p["a"],
        title="Kiểm toán năng lượng",
        client_name="Công ty A",
        service="energy_audit",
        value=10 * M,
        signed_on=dt.date(2026, 3, 1),
    )


def _workshop(p):
    return activities.Workshop.objects.create(
        province=p["a"], title="Hội thảo", topic="digital", date=dt.date(2026, 3, 1)
    )


MAKERS = {
    "programmes.Project": lambda p: p["project"],
    "programmes.Disbursement": lambda p: pay(
        p["project"], manager=p["manager"], amount=M, on=dt.date(2026, 4, 1)
    ),
    "programmes.BudgetLine": lambda p: BudgetLine.objects.create(
        project=p["project"], source="other", amount=M
    ),
    "programmes.ProjectBeneficiary": lambda p: ProjectBeneficiary.objects.create(
        project=p["project"], establishment=p["establishment"]
    ),
    "programmes.ProjectOutput": lambda p: ProjectOutput.objects.filter(project=p["project"])[0],
    "registry.Establishment": lambda p: p["establishment"],
    "activities.TrainingCourse": _course,
    "activities.Trainee": lambda p: activities.Trainee.objects.create(course=_course(p), name="A"),
    "activities.Fair": _fair,
    "activities.FairParticipation": lambda p: activities.FairParticipation.objects.create(
        fair=_fair(p), establishment=p["establishment"]
    ),
    "activities.Showroom": lambda p: activities.Showroom.objects.create(
        province=p["a"],
        name="Phòng trưng bày",
        establishment=p["establishment"],
        opened_on=dt.date(2026, 3, 1),
    ),
    "activities.BrandRegistration": lambda p: activities.BrandRegistration.objects.create(
        province=p["a"],
        establishment=p["establishment"],
        mark_name="Cà phê",
        kind="trademark",
        filed_on=dt.date(2026, 3, 1),
    ),
    "activities.ConsultingContract": _contract,
    "activities.ConsultingReceipt": lambda p: activities.ConsultingReceipt.objects.create(
        contract=_contract(p), date=dt.date(2026, 4, 1), amount=M
    ),
    "activities.CommunicationItem": lambda p: activities.CommunicationItem.objects.create(
        province=p["a"],
        kind="tv",
        title="Phóng sự",
        date=dt.date(2026, 3, 1),
        topic="programme",
    ),
    "activities.Workshop": _workshop,
    "activities.StaffCount": lambda p: activities.StaffCount.objects.create(
        province=p["a"], year=2026, staff=12
    ),
    "awards.AwardEntry": lambda p: AwardEntryFactory(
        round=p["round"], establishment=p["establishment"]
    ),
    "awards.AwardRound": lambda p: AwardRoundFactory(province=p["a"], year=2025),
    "network.Collaborator": lambda p: CollaboratorFactory(province=p["a"]),
    "network.QuarterlyReport": lambda p: QuarterlyReport.objects.create(
        collaborator=CollaboratorFactory(province=p["a"]), province=p["a"], year=2026, quarter=1
    ),
    "network.ReportDeadline": lambda p: ReportDeadline.objects.create(province=p["a"], days=20),
    "surveys.Need": lambda p: Need.objects.create(
        province=p["a"],
        commune=p["commune_a"],
        establishment=p["establishment"],
        sector=p["establishment"].sector,
        year=2026,
        category_id="03",
        description="Máy",
        estimated_cost=M,
    ),
    "places.LegacyCommune": lambda p: LegacyCommune.objects.first(),
    # What a whole summary reads besides the records.
    "reports.AggregateValue": lambda p: enter(
        p["manager"], "funding.disbursed", f"province:{p['a'].pk}", "2024-01-01", "2024-12-31", M
    ),
    "reports.RecordsSince": lambda p: RecordsSince.objects.create(
        province=p["a"], since=dt.date(2026, 1, 1)
    ),
    "reports.Indicator": lambda p: Indicator.objects.get(code="funding.disbursed"),
    "places.Province": lambda p: p["a"],
}
EVERY_DEPENDENCY = {**cache.DEPENDENCIES, **cache.STORED_DEPENDENCIES}
# Made by the fixtures or the migrations: changed below, not created.
MADE_BEFORE = (Project, Establishment, ProjectOutput, LegacyCommune, Indicator, Province)


def test_every_dependency_has_a_case_below():
    assert set(MAKERS) == set(EVERY_DEPENDENCY)


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_a_change_raises_the_version_of_its_province_only(label, places):
    """Created, changed, deleted: each raises the version of the record's province (every
    province when the record has none of its own), never another province's."""
    path = EVERY_DEPENDENCY[label]
    own = dataversions.EVERYWHERE if path is None else places["a"].pk
    others = [places["b"].pk] + ([dataversions.EVERYWHERE] if path is not None else [])
    untouched = {scope: version(scope) for scope in others}
    before = version(own)
    instance = MAKERS[label](places)
    if type(instance) in MADE_BEFORE:
        created = before
    else:
        created = version(own)
        assert created > before
    instance = type(instance).objects.get(pk=instance.pk)
    instance.save()
    changed = version(own)
    assert changed > created
    # An approved project is cancelled, not deleted; a province or an indicator in use is
    # protected.
    if type(instance) not in (Project, Province, Indicator):
        with transaction.atomic():
            instance.delete()
            assert version(own) > changed
            transaction.set_rollback(True)
    assert {scope: version(scope) for scope in others} == untouched


def test_moving_a_record_raises_both_provinces(places):
    establishment = Establishment.objects.get(pk=places["establishment"].pk)
    before = version(places["a"].pk)
    establishment.commune = places["commune_b"]
    establishment.province = places["b"]
    establishment.save()
    assert version(places["a"].pk) > before
    assert version(places["b"].pk) > 0


def test_links_raise_their_owners_province(places):
    workshop = _workshop(places)
    before = version(places["a"].pk)
    workshop.establishments.add(places["establishment"])
    assert version(places["a"].pk) > before
    collaborator = CollaboratorFactory(province=places["a"])
    before = version(places["a"].pk)
    collaborator.communes.set([places["commune_a"]])
    assert version(places["a"].pk) > before
    assert version(places["b"].pk) == 0


def test_the_bulk_paths_raise_the_versions(places, admin):
    """Imports (core.bulk: COPY on PostgreSQL) and bulk_create in the services write without
    save signals: they raise the versions themselves."""
    sector = Sector.objects.get(code="a")
    before = version(places["a"].pk)
    create_with_history(
        [
            Establishment(
                name="Cơ sở nhập từ tệp",
                kind=Establishment.Kind.HOUSEHOLD,
                commune=places["commune_a"],
                province=places["a"],
                sector=sector,
                search_name="co so nhap tu tep",
            )
        ],
        Establishment,
        user=admin,
        reason="Nhập từ tệp",
    )
    assert version(places["a"].pk) > before
    assert version(places["b"].pk) == 0
    before = version(places["a"].pk)
    project_services._set_beneficiaries(
        places["manager"], places["project"], [places["establishment"].pk]
    )
    assert version(places["a"].pk) > before


def test_a_write_in_one_province_keeps_the_others_cached(money, manager_a, province_a, province_b):
    b = records.Scope(provinces=(province_b.pk,))
    a = records.Scope(provinces=(province_a.pk,))
    assert _disbursed(b) == 70 * M
    assert _disbursed(a) == 100 * M
    assert _disbursed(NATION) == 170 * M
    pay(money["a"], manager=manager_a, amount=5 * M, on=dt.date(2026, 6, 1))
    values, queries = compute(b, {"funding.disbursed"})
    assert values["funding.disbursed"] == 70 * M
    assert len(queries) == 1  # still cached
    values, queries = compute(a, {"funding.disbursed"})
    assert values["funding.disbursed"] == 105 * M and len(queries) > 1
    assert _disbursed(NATION) == 175 * M


def test_a_rolled_back_raise_is_never_given_again(db):
    with transaction.atomic():
        dataversions.bump(["66"])
        rolled_back = version("66")
        transaction.set_rollback(True)
    assert version("66") == 0
    dataversions.bump(["66"])
    assert version("66") not in (0, rolled_back)
    first = version("66")
    dataversions.bump(["66"])
    assert version("66") > first


def test_every_bulk_write_of_a_dependency_raises_the_versions():
    """``bulk_create``, ``bulk_update`` and ``update()`` send no save signals: a module that
    writes a dependency that way must raise the versions itself (``dataversions.changed`` or
    ``changed_rows``). The demo data is raised once by seed_demo, the factories are tests'."""
    from pathlib import Path

    root = Path(cache.__file__).resolve().parent.parent
    names = "|".join(label.split(".")[1] for label in EVERY_DEPENDENCY)
    write = re.compile(
        rf"\b({names})\.objects\b[^\n]*\.(bulk_create|bulk_update|update)\("
        rf"|bulk_(create|update)_with_history\([^)]*\b({names})\b"
    )
    missing = []
    found = set()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        if path.name in ("demo.py", "factories.py", "demo_country.py", "impact_demo.py"):
            continue
        text = path.read_text()
        if write.search(text):
            found.add(relative)
            if "dataversions.changed" not in text:
                missing.append(relative)
    assert missing == []
    # The scan sees the bulk writes known today.
    assert {
        "surveys/services.py",
        "programmes/services/projects.py",
        "awards/scoring.py",
    } <= found


def test_the_money_by_province_is_cached_and_follows_the_records(money, manager_a, province_a):
    """The summary page's province lines and chart (reports.overview): the records part is
    cached like the rest, on the versions of the provinces it reads."""
    from khuyencong.reports import overview

    groups = {Period.year(2026): sorted([province_a.pk, money["b"].province_id])}
    with CaptureQueriesContext(connection) as cold:
        first = overview.read_records(overview.DISBURSED, groups)
    assert tables_read(cold.captured_queries) - {DataVersion._meta.db_table} <= cache.tables()
    with CaptureQueriesContext(connection) as warm:
        again = overview.read_records(overview.DISBURSED, groups)
    assert again == first == {province_a.pk: 100 * M, money["b"].province_id: 70 * M}
    assert tables_read(warm.captured_queries) == {DataVersion._meta.db_table}
    pay(money["a"], manager=manager_a, amount=5 * M, on=dt.date(2026, 6, 1))
    assert overview.read_records(overview.DISBURSED, groups)[province_a.pk] == 105 * M
    planned = overview.read_records(overview.PLANNED, groups)
    assert planned == overview.READERS[overview.PLANNED](groups)


# --- a whole summary kept: its figures, charts and narrative ----------------------------------


def test_a_whole_summary_reads_only_the_declared_dependencies(
    money, province_a, commune_a1, merged
):
    """The summary page and API keep a whole summary (reports.cache.summary): every table its
    figures, charts and narrative read must raise the data versions."""
    from khuyencong.reports import charts

    read: set[str] = set()
    for text in ("nation", f"province:{province_a.pk}", f"commune:{commune_a1.pk}"):
        resolved = resolve(Unit.parse(text))
        for period in (Period.year(2026), Period.year(2024)):
            with CaptureQueriesContext(connection) as queries:
                report = summary.build(resolved, period)
                charts.for_summary(resolved, period, report)
            read |= tables_read(queries.captured_queries)
    assert read & cache.tables()
    assert read - {DataVersion._meta.db_table} <= cache.summary_tables()


SUMMARY = {"unit": "nation", "kind": "year", "year": 2026}


def _page(client, params=SUMMARY):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/reports/", params)
    assert response.status_code == 200
    return response.content.decode(), queries.captured_queries


def test_the_summary_page_is_kept_whole(money, client_for, national):
    client = client_for(national)
    first, cold = _page(client)
    again, warm = _page(client)
    main = re.compile(r"<main.*</main>", re.S)
    assert main.search(again)[0] == main.search(first)[0]
    # Neither the records nor the stored values (the province lines of the national page
    # still read the catalogue and where records begin; their money is kept on its own).
    kept = cache.tables() | {STORED}
    assert tables_read(cold) & kept
    assert not tables_read(warm) & kept
    assert len(cold) - len(warm) >= 10


def test_a_value_entered_shows_at_once_on_the_kept_page(money, client_for, national, officer_a):
    """A stored value entered for an earlier year raises its province's version: the page of
    that year is computed again, the kept page of another province is not."""
    client = client_for(national)
    params = {"unit": f"province:{officer_a.province_id}", "kind": "year", "year": 2024}
    before, _queries = _page(client, params)
    other = {**params, "unit": f"province:{money['b'].province_id}"}
    _page(client, other)
    enter(
        officer_a,
        "funding.disbursed",
        f"province:{officer_a.province_id}",
        "2024-01-01",
        "2024-12-31",
        3_000_000_000,
    )
    after, queries = _page(client, params)
    assert after != before
    assert "3 tỷ đồng" in after or "3.000 triệu đồng" in after
    assert STORED in tables_read(queries)
    _html, other_queries = _page(client, other)
    assert STORED not in tables_read(other_queries)


STORED = "reports_aggregatevalue"


def test_the_kept_api_summary_follows_the_catalogue(money, client_for, national):
    """An indicator renamed (the catalogue raises every province) is shown at once."""
    client = client_for(national)
    url = "/api/v1/reports/summary/"
    params = {"unit": "nation", "start": "2026-01-01", "end": "2026-12-31"}
    first = client.get(url, params, HTTP_ACCEPT="application/json; version=1").json()
    indicator = Indicator.objects.get(code="funding.disbursed")
    indicator.name = "Kinh phí đã giải ngân (đổi tên)"
    indicator.save()
    again = client.get(url, params, HTTP_ACCEPT="application/json; version=1").json()
    names = {row["code"]: row["name"] for row in again["indicators"]}
    assert names["funding.disbursed"] == "Kinh phí đã giải ngân (đổi tên)"
    assert again != first


def test_migrate_raises_every_province(db):
    """A migration may change the catalogue or a rule without saving a watched row, and a
    shared cache outlives the restart: migrate raises every version."""
    from django.core.management import call_command

    before = version(dataversions.EVERYWHERE)
    call_command("migrate", verbosity=0)
    assert version(dataversions.EVERYWHERE) > before
