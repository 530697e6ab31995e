"""manage.py backup / restore (issue 14, item 4): one checksummed archive of the database and
the uploaded files; a round trip gives identical rows and files, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import translation

from khuyencong.core.backup import MANIFEST, read_manifest
from khuyencong.registry.factories import EstablishmentFactory

# serialized_rollback: see core/tests/test_faults.py.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)
on_postgresql = pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL",
)
TABLES = [
    "accounts_user",
    "registry_establishment",
    "registry_historicalestablishment",
    "places_province",
    "places_commune",
]


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English (the msgids); one test reads the Vietnamese.
    with translation.override("en"):
        yield


def fingerprint(settings_dict) -> dict[str, tuple[int, str]]:
    """Row count and a SHA-256 of every row (in id order) of a few tables."""
    other = connections.create_connection("default")
    other.settings_dict = {**other.settings_dict, **settings_dict}
    try:
        result = {}
        with other.cursor() as cursor:
            for table in TABLES:
                columns = [c.name for c in other.introspection.get_table_description(cursor, table)]
                order = "id" if "id" in columns else columns[0]
                cursor.execute(f"SELECT * FROM {table} ORDER BY {order}")  # noqa: S608
                rows = cursor.fetchall()
                digest = hashlib.sha256(repr(rows).encode()).hexdigest()
                result[table] = (len(rows), digest)
        return result
    finally:
        other.close()


def files_of(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "products" / "2026").mkdir(parents=True)
    (root / "products" / "2026" / "gom-su.jpg").write_bytes(b"\xff\xd8\xff" + b"anh" * 5000)
    (root / "jobs" / "out" / "7").mkdir(parents=True)
    (root / "jobs" / "out" / "7" / "danh-sach.xlsx").write_bytes(b"PK\x03\x04 tep xuat")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def data(officer_a, commune_a1):
    for index in range(5):
        EstablishmentFactory(name=f"Cơ sở gốm sứ {index}", commune=commune_a1, created_by=officer_a)


@pytest.fixture
def archive(tmp_path, media, data) -> Path:
    path = tmp_path / "sao-luu.tar"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


@pytest.fixture
def scratch_database(tmp_path):
    """An empty database beside the test one: a SQLite file, or a PostgreSQL database made
    and dropped here (the test database is left alone)."""
    if connection.vendor == "postgresql":
        name = f"kc_restore_{uuid.uuid4().hex[:10]}"
        admin = connections.create_connection("default")
        try:
            admin.ensure_connection()
            admin.connection.autocommit = True
            with admin.connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
            yield {**connection.settings_dict, "NAME": name}
            with admin.connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.close()
    else:
        yield {**connection.settings_dict, "NAME": str(tmp_path / "scratch.sqlite3")}


def _restore(archive, target, media_root, **kwargs):
    from khuyencong.core.backup import restore_backup

    return restore_backup(archive, settings_dict=target, media_root=media_root, **kwargs)


@transactional
def test_a_round_trip_gives_identical_rows_and_files(archive, media, scratch_database, tmp_path):
    source = fingerprint(connection.settings_dict)
    assert source["registry_establishment"][0] == 5
    files_before = files_of(media)

    shutil.rmtree(media)  # the wipe: the files are gone, the target database is empty
    _restore(archive, scratch_database, media)

    assert fingerprint(scratch_database) == source
    assert files_of(media) == files_before


@transactional
def test_the_manifest_records_checksums_version_and_migrations(archive):
    manifest = read_manifest(archive)
    assert manifest["database"]["vendor"] == connection.vendor
    assert "core.0001_initial" in manifest["migrations"]
    assert manifest["app_version"]
    photo = manifest["files"]["media/products/2026/gom-su.jpg"]
    assert photo["size"] == 3 + 3 * 5000
    assert len(photo["sha256"]) == 64
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[-1] == MANIFEST
    assert set(names) == {*manifest["files"], MANIFEST}


@transactional
def test_restore_refuses_a_database_with_data_unless_forced(archive, media, scratch_database):
    _restore(archive, scratch_database, media)  # now the scratch database holds data
    (media / "later.txt").write_text("uploaded after the backup")
    with pytest.raises(Exception, match="already holds data"):
        _restore(archive, scratch_database, media)
    assert (media / "later.txt").exists()  # nothing touched
    _restore(archive, scratch_database, media, force=True)
    assert not (media / "later.txt").exists()
    assert fingerprint(scratch_database) == fingerprint(connection.settings_dict)


@transactional
def test_the_restore_command_refuses_the_live_database_holding_data(archive):
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive), stdout=io.StringIO())


def _rewrite(archive: Path, change) -> None:
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(archive, "w") as tar:
        for member, content in members:
            content = change(member.name, content)
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))


@transactional
def test_a_changed_byte_is_found_by_its_checksum(archive, media, scratch_database):
    def flip(name, content):
        if name == "media/products/2026/gom-su.jpg":
            return content[:100] + bytes([content[100] ^ 1]) + content[101:]
        return content

    _rewrite(archive, flip)
    with pytest.raises(CommandError, match=r"checksum of media/products/2026/gom-su\.jpg"):
        call_command("restore", str(archive), "--check", stdout=io.StringIO())


@transactional
def test_a_truncated_archive_is_a_clear_error(archive):
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match="damaged or incomplete"):
        call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert fingerprint(connection.settings_dict)["registry_establishment"][0] == 5


def test_the_operator_reads_the_error_in_vietnamese(tmp_path):
    path = tmp_path / "not.tar"
    path.write_bytes(b"not a tar archive" * 100)
    with translation.override("vi"), pytest.raises(CommandError) as error:
        call_command("restore", str(path), "--check", stdout=io.StringIO())
    assert "Tệp sao lưu bị hỏng hoặc không đầy đủ (không phải tệp sao lưu)" in str(error.value)


def test_something_else_is_not_a_backup(tmp_path):
    path = tmp_path / "not.tar"
    path.write_bytes(b"this is not a tar archive" * 100)
    with pytest.raises(CommandError, match="damaged or incomplete"):
        call_command("restore", str(path), "--check", stdout=io.StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar"), "--check", stdout=io.StringIO())


@transactional
def test_a_member_missing_from_the_archive_is_named(archive, tmp_path):
    manifest = read_manifest(archive)
    manifest["files"]["media/extra.jpg"] = {"sha256": "0" * 64, "size": 1}

    def add_entry(name, content):
        return json.dumps(manifest).encode() if name == MANIFEST else content

    _rewrite(archive, add_entry)
    with pytest.raises(CommandError, match=r"media/extra\.jpg is missing"):
        call_command("restore", str(archive), "--check", stdout=io.StringIO())


@transactional
def test_a_backup_of_a_newer_version_is_refused(archive, media, scratch_database):
    manifest = read_manifest(archive)
    manifest["migrations"].append("core.9999_from_the_future")
    _rewrite(archive, lambda name, c: json.dumps(manifest).encode() if name == MANIFEST else c)
    with pytest.raises(Exception, match=r"core\.9999_from_the_future"):
        _restore(archive, scratch_database, media)


@on_postgresql
@transactional
def test_on_postgresql_the_database_is_a_pg_dump_archive(archive):
    with tarfile.open(archive) as tar:
        dump = tar.extractfile("database.dump").read()
    assert dump.startswith(b"PGDMP")  # pg_dump's custom format
    listing = subprocess.run(
        ["pg_restore", "--list"],  # noqa: S607 - the PATH's pg_restore, as the command uses
        input=dump,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "registry_establishment" in listing
