"""core.bulk: many new records with their "created" history rows (large imports), and
core.importing.FieldChecker, the field checks of their rows; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from khuyencong.core.bulk import insert_with_history
from khuyencong.core.importing import FieldChecker
from khuyencong.core.models import DataVersion
from khuyencong.registry.models import Establishment, Sector, YearlyFigure

RESOLVED = ["commune", "province", "sector", "legacy_commune", "craft_village", "created_by", "search_name"]  # fmt: skip


def _row(commune, name: str, **extra):
    return {
        "name": name,
        "kind": Establishment.Kind.HOUSEHOLD,
        "commune_id": commune.pk,
        "province_id": commune.province_id,
        "sector_id": "a",
        "search_name": name.lower(),
        **extra,
    }


def test_rows_are_inserted_with_their_defaults_history_and_keys(admin, commune_a1, commune_b1):
    Sector.objects.get(code="a")
    rows = [
        _row(commune_a1, "Cơ sở một", tax_code="0100109106", founded_year=2012),
        _row(commune_b1, "Cơ sở hai", id=999_999),  # a key given is not used
    ]
    keys = insert_with_history(Establishment, rows, user=admin, reason="Nhập từ tệp")
    assert len(keys) == 2 and 999_999 not in keys
    one, two = (Establishment.objects.get(pk=key) for key in keys)
    assert (one.name, one.tax_code, one.founded_year, one.commune_id) == (
        "Cơ sở một",
        "0100109106",
        2012,
        commune_a1.pk,
    )
    # The fields a row leaves out have the model's defaults, the dates the time of the call.
    assert (two.status, two.version, two.tax_code, two.notes) == ("active", 1, None, "")
    assert two.created_at is not None and two.updated_at is not None
    history = list(Establishment.history.filter(id__in=keys).order_by("id"))
    assert [(h.id, h.history_type, h.history_user_id) for h in history] == [
        (keys[0], "+", admin.pk),
        (keys[1], "+", admin.pk),
    ]
    assert {h.history_change_reason for h in history} == {"Nhập từ tệp"}
    assert history[0].name == "Cơ sở một" and history[0].province_id == commune_a1.province_id
    figures = insert_with_history(
        YearlyFigure,
        [{"establishment_id": keys[0], "year": 2024, "workers": 12}],
        user=admin,
        reason="Nhập từ tệp",
    )
    figure = YearlyFigure.objects.get(pk=figures[0])
    assert (figure.establishment_id, figure.workers, figure.revenue, figure.source) == (
        keys[0],
        12,
        None,
        YearlyFigure.Source.DECLARED,
    )
    assert figure.history.get().history_type == "+"


def test_the_provinces_written_have_their_data_versions_raised(admin, commune_a1, commune_b1):
    def version(province) -> int:
        found = DataVersion.objects.filter(scope=province).values_list("version", flat=True)
        return found.first() or 0

    a, b = commune_a1.province_id, commune_b1.province_id
    before_a, before_b = version(a), version(b)
    insert_with_history(Establishment, [_row(commune_a1, "Cơ sở ba")], user=admin, reason="x")
    assert version(a) > before_a
    assert version(b) == before_b
    assert insert_with_history(Establishment, [], user=admin, reason="x") == []


def _full_clean_errors(values) -> dict[str, list[str]]:
    try:
        Establishment(**values).full_clean(
            exclude=RESOLVED, validate_unique=False, validate_constraints=False
        )
    except ValidationError as invalid:
        return invalid.message_dict
    return {}


@pytest.mark.parametrize(
    "values",
    [
        {"name": "Cơ sở", "kind": "household"},
        {"name": "", "kind": "household"},
        {"name": "x" * 301, "kind": "nothing", "status": "gone"},
        {"name": "Cơ sở", "kind": "household", "tax_code": "0100109107"},
        {"name": "Cơ sở", "kind": "household", "email": "not an address", "vsic_code": "12a"},
        {"name": "Cơ sở", "kind": "household", "founded_year": 1700},
        {"name": "Cơ sở\x00", "kind": "household", "founded_year": 2012},
    ],
)
def test_the_field_checks_give_the_messages_of_full_clean(db, values):
    with translation.override("vi"):
        assert FieldChecker(Establishment, exclude=RESOLVED).errors(dict(values)) == (
            _full_clean_errors(values)
        )


def test_a_number_once_refused_is_refused_again(db):
    checker = FieldChecker(Establishment, exclude=RESOLVED)
    good = {"name": "Cơ sở", "kind": "household", "founded_year": 2012}
    bad = {"name": "Cơ sở", "kind": "household", "founded_year": 2101}
    for _ in range(2):
        assert checker.errors(dict(good)) == {}
        assert list(checker.errors(dict(bad))) == ["founded_year"]


def test_the_establishment_history_is_indexed_only_by_what_reads_it(db):
    """A history is read by record (core.history, the admin) and by date; searching it by
    place, sector or author is no query's business, and each of those indexes slowed
    every imported row (registry migration 0008)."""
    from django.db import connection

    table = Establishment.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["primary_key"]}
    assert indexed == {("history_id",), ("id",), ("history_date",), ("history_user_id",)}
