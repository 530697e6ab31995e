"""Large imports (issue 14, item 6): streamed and written in batches inside one transaction,
the row limit a setting, progress on the job."""

from __future__ import annotations

import pytest

from khuyencong.core.models import Job
from khuyencong.registry.importing import EstablishmentImporter
from khuyencong.registry.models import Establishment
from khuyencong.registry.tests.test_import import (
    GOOD_ROWS,
    HEADERS,
    errors_of,
    last_job,
    upload,
    xlsx,
)


@pytest.fixture
def places(commune_a1, commune_a2, commune_b1):
    return {"a1": commune_a1, "a2": commune_a2, "b1": commune_b1}


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(EstablishmentImporter, "batch_size", 2)


def test_a_file_in_several_batches_is_imported_whole(officer_a, places, client_for, small_batches):
    upload(client_for(officer_a), xlsx(HEADERS, GOOD_ROWS))
    job = last_job(officer_a)
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.result["created"] == 3
    assert Establishment.objects.count() == 3
    assert (job.progress_done, job.percent) == (3, 100)


def test_an_error_in_a_later_batch_keeps_nothing_of_the_earlier_ones(
    officer_a, places, client_for, small_batches
):
    # Rows 2 and 3 are written in the first batch; row 5 repeats row 2's tax code.
    rows = [*GOOD_ROWS, ["Cơ sở mới", "HKD", "066085001234", "", "24100", "a", 2020]]
    upload(client_for(officer_a), xlsx(HEADERS, rows))
    job = last_job(officer_a)
    assert job.status == Job.Status.FAILED
    assert errors_of(job) == [(5, "Mã số thuế (C)")]
    assert " 2 " in job.result["errors"][0]["message"] + " "
    assert Establishment.objects.count() == 0  # one transaction: the first batch rolled back


def test_every_error_is_reported_even_after_the_first_batch(
    officer_a, places, client_for, small_batches
):
    rows = [
        ["", "HKD", "", "", "24100", "a", None],
        *GOOD_ROWS,
        ["Cơ sở khác", "không rõ", "", "", "24100", "a", None],
    ]
    upload(client_for(officer_a), xlsx(HEADERS, rows))
    job = last_job(officer_a)
    assert job.status == Job.Status.FAILED
    assert errors_of(job) == [(2, "Tên cơ sở (A)"), (6, "Loại hình (B)")]
    assert Establishment.objects.count() == 0


def test_the_row_limit_is_a_setting(officer_a, places, settings):
    from django.core.files.base import ContentFile

    from khuyencong.core.jobs import start_job
    from khuyencong.registry.jobs import IMPORT

    settings.IMPORT_MAX_ROWS = 2  # found by the job while it reads the rows
    data = xlsx(HEADERS, GOOD_ROWS)
    job = start_job(
        kind=IMPORT, actor=officer_a, input_file=ContentFile(data, name="a.xlsx"), inline=True
    )
    assert job.status == Job.Status.FAILED
    assert "Tệp có hơn 2 dòng" in job.message
    assert Establishment.objects.count() == 0


def test_a_file_larger_than_the_limit_is_refused_on_the_form(
    officer_a, places, client_for, settings
):
    settings.IMPORT_MAX_ROWS = 2
    response = upload(client_for(officer_a), xlsx(HEADERS, GOOD_ROWS))
    assert response.status_code == 200
    assert "Tệp có hơn 2 dòng" in response.content.decode()
    assert not Job.objects.exists()


def test_progress_is_written_while_the_rows_are_read(officer_a, places, monkeypatch, small_batches):
    from khuyencong.core import jobs

    seen = []
    original = jobs.JobProgress._write

    def spy(self, **fields):
        seen.append(fields.get("progress_done"))
        original(self, **fields)

    monkeypatch.setattr(jobs.JobProgress, "_write", spy)
    data = xlsx(HEADERS, GOOD_ROWS)
    from django.core.files.base import ContentFile

    from khuyencong.registry.jobs import IMPORT

    job = jobs.start_job(
        kind=IMPORT, actor=officer_a, input_file=ContentFile(data, name="a.xlsx"), inline=True
    )
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert seen[0] == 0  # the start, with the sheet's estimate as total
    assert job.progress_total == 3


def _queries_of_import(officer, rows: int, tag: str, *, inserts: bool = True) -> int:
    """Queries of importing ``rows`` rows (tax codes, two communes, yearly figures);
    ``inserts=False``: without the INSERTs (SQLite splits a long one by its parameters)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from khuyencong.registry.tests.test_import import _run

    headers = ["Tên cơ sở", "Loại hình", "Mã số thuế", "Mã xã", "Lĩnh vực", "Năm số liệu", "Số lao động"]  # fmt: skip
    data = xlsx(
        headers,
        [
            [
                f"Cơ sở {tag} {n}",
                "HKD",
                f"0660{tag}{n:05d}",
                "24100" if n % 2 else "24200",
                "a",
                2024,
                n,
            ]
            for n in range(rows)
        ],
    )
    with CaptureQueriesContext(connection) as queries:
        result = _run(officer, data)
    assert result["created"] == rows
    assert result["figures"] == rows
    if inserts:
        return len(queries)
    return sum(1 for query in queries if not query["sql"].lstrip().upper().startswith("INSERT"))


def test_the_queries_of_a_batch_do_not_grow_with_its_rows(officer_a, places):
    # Checks, duplicate lookups and inserts are made a batch at a time: ten rows or forty
    # in one batch cost the same queries (no full_clean or lookup per row), but the inserts,
    # which SQLite cuts by the number of their parameters (PostgreSQL copies the rows).
    ten = _queries_of_import(officer_a, 10, "001", inserts=False)
    assert _queries_of_import(officer_a, 40, "002", inserts=False) == ten


def test_every_batch_costs_the_same_few_queries(officer_a, places, monkeypatch):
    monkeypatch.setattr(EstablishmentImporter, "batch_size", 10)
    one = _queries_of_import(officer_a, 10, "003")
    two = _queries_of_import(officer_a, 20, "004")
    four = _queries_of_import(officer_a, 40, "005")
    per_batch = two - one
    assert four - one == 3 * per_batch
    assert per_batch <= 8  # two duplicate lookups, the inserts with their history


def test_duplicates_are_looked_up_in_one_query_a_batch_on_postgresql(
    officer_a, places, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from khuyencong.registry.tests.test_import import _run

    monkeypatch.setattr(EstablishmentImporter, "batch_size", 10)
    rows = [
        [f"Cơ sở {n}", "HKD", f"0660850{n:05d}", "24100" if n % 2 else "24200", "a"]
        for n in range(30)
    ]
    data = xlsx(["Tên cơ sở", "Loại hình", "Mã số thuế", "Mã xã", "Lĩnh vực"], rows)
    with CaptureQueriesContext(connection) as queries:
        assert _run(officer_a, data)["created"] == 30
    lookups = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and 'FROM "registry_establishment"' in q["sql"]
    ]
    # Tax codes and (commune, name) pairs together; elsewhere one query for each.
    assert len(lookups) == 3 * (1 if connection.vendor == "postgresql" else 2)


def test_the_data_versions_are_raised_once_at_the_end_of_an_import(officer_a, places, monkeypatch):
    """A raise holds its province's row lock until the commit, and every write to that province
    waits for it: a long import raises once, after its last batch (dataversions.deferred), not
    at its first batch, which would block the province's other users for the whole import."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from khuyencong.core.models import DataVersion
    from khuyencong.registry.tests.test_import import _run

    monkeypatch.setattr(EstablishmentImporter, "batch_size", 10)
    rows = [[f"Cơ sở {n}", "HKD", f"0660851{n:05d}", "24100", "a"] for n in range(30)]
    data = xlsx(["Tên cơ sở", "Loại hình", "Mã số thuế", "Mã xã", "Lĩnh vực"], rows)
    before = DataVersion.objects.filter(scope=officer_a.province_id).first()
    with CaptureQueriesContext(connection) as queries:
        assert _run(officer_a, data)["created"] == 30
    sql = [q["sql"] for q in queries]
    raises = [
        n for n, text in enumerate(sql) if DataVersion._meta.db_table in text and "INSERT" in text
    ]
    # A batch's writes: its INSERTs, or on PostgreSQL the keys reserved before its COPY
    # (which the capture does not see).
    writes = [
        n
        for n, text in enumerate(sql)
        if ("registry_establishment" in text and "INSERT" in text) or "nextval(" in text
    ]
    assert len(raises) == 1
    assert writes and raises[0] > max(writes)
    after = DataVersion.objects.get(scope=officer_a.province_id)
    assert before is None or after.version > before.version
