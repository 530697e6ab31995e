"""Yearly figures: one row per establishment and year, each with its source and history,
recorded through one service whatever the channel (form, API, import, survey, inspection)."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from khuyencong.core.errors import StaleEditError
from khuyencong.registry import services
from khuyencong.registry.importing import COLUMNS, import_establishments
from khuyencong.registry.models import Establishment, Sector, YearlyFigure

pytestmark = pytest.mark.django_db
Source = YearlyFigure.Source


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def workshop(admin, commune_a1):
    return services.create_establishment(
        actor=admin,
        data={
            "name": "Cơ sở mộc Ea Kar",
            "kind": Establishment.Kind.HOUSEHOLD,
            "commune": commune_a1,
            "sector": Sector.objects.get(code="a"),
        },
    )


def record(actor, establishment, **data):
    source = data.pop("source", Source.DECLARED)
    version = data.pop("version", None)
    replace = data.pop("replace", True)
    return services.record_yearly_figure(
        actor=actor,
        establishment=establishment,
        data=data,
        source=source,
        expected_version=version,
        replace=replace,
    )


def test_a_year_is_recorded_then_replaced_with_its_history_kept(officer_a, manager_a, workshop):
    figure, created = record(officer_a, workshop, year=2023, workers=10, revenue=900_000_000)
    assert created and figure.version == 1 and figure.source == Source.DECLARED
    again, created = record(manager_a, workshop, year=2023, workers=12, source=Source.SURVEY)
    assert not created and again.pk == figure.pk and again.version == 2
    # A full declaration replaces every figure: the revenue not given is now empty.
    assert (again.workers, again.revenue, again.source) == (12, None, Source.SURVEY)
    history = services.figure_history(again)
    assert [
        (h["version"], h["source"], h["workers"], h["revenue"], h["user"]) for h in history
    ] == [
        (2, "survey", 12, None, "manager_a"),
        (1, "declared", 10, 900_000_000, "officer_a"),
    ]


def test_a_partial_finding_keeps_the_figures_it_does_not_give(officer_a, workshop):
    record(officer_a, workshop, year=2023, workers=10, revenue=900_000_000, capital=5)
    figure, _ = record(
        officer_a, workshop, year=2023, workers=14, source=Source.INSPECTION, replace=False
    )
    assert (figure.workers, figure.revenue, figure.capital) == (14, 900_000_000, 5)
    assert figure.source == Source.INSPECTION


def test_a_stale_version_is_refused_and_nothing_changes(officer_a, manager_a, workshop):
    record(officer_a, workshop, year=2023, workers=10)
    record(manager_a, workshop, year=2023, workers=11, version=1)
    with pytest.raises(StaleEditError):
        record(officer_a, workshop, year=2023, workers=99, version=1)
    figure = workshop.yearly_figures.get()
    assert (figure.workers, figure.version) == (11, 2)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": 1989, "workers": 1}, "year"),
        ({"year": "2023", "workers": 1}, "year"),
        ({"year": None, "workers": 1}, "year"),
        ({"year": 2023, "workers": -1}, "workers"),
        ({"year": 2023, "revenue": 1.5}, "revenue"),
        ({"year": 2023, "capital": True}, "capital"),
        ({"year": 2023}, "workers"),
    ],
)
def test_bad_figures_name_the_field_and_change_nothing(officer_a, workshop, data, field):
    with pytest.raises(services.RegistryError) as error:
        record(officer_a, workshop, **data)
    assert error.value.field == field
    assert not YearlyFigure.objects.exists()


def test_a_future_year_is_refused(officer_a, workshop):
    with pytest.raises(services.RegistryError) as error:
        record(officer_a, workshop, year=timezone.localdate().year + 1, workers=3)
    assert error.value.field == "year"


def test_an_unknown_source_is_refused(officer_a, workshop):
    with pytest.raises(services.RegistryError) as error:
        record(officer_a, workshop, year=2023, workers=3, source="rumour")
    assert error.value.field == "source"


def test_another_province_cannot_record_figures(officer_b, workshop):
    from django.http import Http404

    with pytest.raises(Http404):
        record(officer_b, workshop, year=2023, workers=3)
    assert not YearlyFigure.objects.exists()


def test_the_form_records_declared_figures_and_bumps_the_version(officer_a, workshop):
    figure = services.save_yearly_figure(
        actor=officer_a,
        establishment=workshop,
        figure=None,
        data={"year": 2022, "workers": 5, "revenue": None, "output_value": None, "capital": None},
    )
    figure.source = Source.SURVEY
    figure.save()
    edited = services.save_yearly_figure(
        actor=officer_a,
        establishment=workshop,
        figure=figure,
        data={"year": 2022, "workers": 6, "revenue": 1, "output_value": None, "capital": None},
    )
    assert (edited.workers, edited.version, edited.source) == (6, 2, Source.DECLARED)


# Import ------------------------------------------------------------------------------------


def row(name, **extra):
    return {"name": name, "kind": "household", "commune_code": "24100", "sector": "a", **extra}


def test_the_import_records_the_figures_of_a_row_with_source_import(officer_a, commune_a1):
    result = import_establishments(
        actor=officer_a,
        rows=[
            row("Cơ sở A", figures_year="2024", workers="12", revenue="1.500.000.000"),
            row("Cơ sở B"),
        ],
    )
    assert result["created"] == 2 and result["figures"] == 1
    figure = YearlyFigure.objects.get()
    assert figure.establishment.name == "Cơ sở A"
    assert (figure.year, figure.workers, figure.revenue, figure.output_value) == (
        2024,
        12,
        1_500_000_000,
        None,
    )
    assert figure.source == Source.IMPORT
    assert figure.history.get().history_user == officer_a


@pytest.mark.parametrize(
    ("extra", "column"),
    [
        ({"workers": "12"}, "figures_year"),
        ({"figures_year": "1980", "workers": "12"}, "figures_year"),
        ({"figures_year": "2024", "revenue": "nhiều"}, "revenue"),
        ({"figures_year": "2024"}, "workers"),
    ],
)
def test_bad_figures_in_a_row_reject_the_file(officer_a, commune_a1, extra, column):
    from khuyencong.core.importing import ImportRejected

    with pytest.raises(ImportRejected) as rejected:
        import_establishments(actor=officer_a, rows=[row("Cơ sở A", **extra)])
    header = next(c.header for c in COLUMNS if c.key == column)
    assert [e.column for e in rejected.value.errors] == [header]
    assert not Establishment.objects.exists()
    assert not YearlyFigure.objects.exists()
