"""Backup and restore of a whole installation: the database and the uploaded files.

One tar archive (``manage.py backup FILE``) holds:

- ``database.dump``: ``pg_dump --format=custom`` on PostgreSQL, or ``database.sqlite3``:
  a copy made with SQLite's online backup API (consistent while the system runs);
- ``media/…``: every file under ``MEDIA_ROOT`` (uploads, job files);
- ``manifest.json`` (last): the SHA-256 and size of every other member, the database
  engine, the application's version and the migrations applied.

``manage.py restore FILE`` checks the archive completely before touching anything (every
member present, sizes and checksums right, only plain files under the expected names),
refuses a target database that holds data unless ``--force``, then restores the database
(``pg_restore`` into an emptied schema, or SQLite's backup API) and the files. docs/backup.md.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "khuyencong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something the person running the command must fix; the message says what."""


@dataclass
class Summary:
    database: str
    files: int
    bytes: int


def _sha256(file: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def app_version() -> str:
    try:
        return metadata.version("khuyencong")
    except metadata.PackageNotFoundError:
        return "unknown"


def _vendor(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(
        _("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine}
    )


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options of pg_dump/pg_restore; the password goes in the environment."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(program)s is not installed: install the package postgresql-client.")
            % {"program": command[0]}
        ) from exc
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": done.stderr.strip()}
        )


def _dump_database(alias: str, target: Path) -> str:
    connection = connections[alias]
    vendor = _vendor(connection.settings_dict)
    if vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "--file",
                str(target),
                str(connection.settings_dict["NAME"]),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            with connection.wrap_database_errors:
                connection.connection.backup(destination)
        finally:
            destination.close()
    return vendor


def _applied_migrations(alias: str) -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, MEDIA_PREFIX + path.relative_to(media_root).as_posix()


def create_backup(archive: Path, *, alias: str = "default", media_root: Path) -> Summary:
    """Write the archive (to a temporary name, renamed when complete)."""
    archive = Path(archive)
    archive.parent.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, Any]] = {}
    total = 0
    with tempfile.TemporaryDirectory(prefix="kc-backup-") as work:
        vendor = _vendor(connections[alias].settings_dict)
        dump = Path(work) / DUMP_NAMES[vendor]
        _dump_database(alias, dump)
        partial = archive.with_name(f".{archive.name}.partial")
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                members = [(dump, DUMP_NAMES[vendor]), *_media_files(Path(media_root))]
                for path, name in members:
                    with path.open("rb") as file:
                        digest, size = _sha256(file)
                        file.seek(0)
                        info = tar.gettarinfo(fileobj=file, arcname=name)
                        info.size = size
                        info.uid = info.gid = 0
                        info.uname = info.gname = ""
                        tar.addfile(info, file)
                    files[name] = {"sha256": digest, "size": size}
                    total += size
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(),
                    "app_version": app_version(),
                    "database": {"vendor": vendor, "member": DUMP_NAMES[vendor]},
                    "migrations": _applied_migrations(alias),
                    "files": files,
                }
                data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
            with partial.open("rb") as written:
                os.fsync(written.fileno())
            os.replace(partial, archive)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Summary(vendor, len(files) - 1, total)


# Restore -----------------------------------------------------------------------------------


def _damaged(reason: str) -> BackupError:
    return BackupError(
        _("The archive is damaged or incomplete (%(reason)s): nothing was restored.")
        % {"reason": reason}
    )


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_manifest(archive: Path) -> dict[str, Any]:
    """Open the archive and check it completely; return its manifest."""
    try:
        tar = tarfile.open(archive, "r:")  # noqa: SIM115 - closed by the with below
    except FileNotFoundError as exc:
        raise BackupError(_("The file %(path)s does not exist.") % {"path": archive}) from exc
    except (tarfile.TarError, OSError) as exc:
        raise _damaged(_("not a backup archive")) from exc
    with tar:
        try:
            members = {member.name: member for member in tar.getmembers()}
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise _damaged(_("it ends before its last file")) from exc
        if MANIFEST not in members:
            raise _damaged(_("it has no manifest; it may have been cut short"))
        try:
            manifest = json.load(_member_file(tar, members[MANIFEST]))
        except (ValueError, tarfile.TarError, OSError, EOFError) as exc:
            raise _damaged(_("its manifest cannot be read")) from exc
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
            raise _damaged(_("it is not a backup of this system"))
        if manifest.get("format_version", 0) > FORMAT_VERSION:
            raise BackupError(_("The archive was made by a newer version of the system."))
        expected = manifest["files"]
        extra = sorted(set(members) - set(expected) - {MANIFEST})
        if extra:
            raise _damaged(_("unexpected file %(name)s") % {"name": extra[0]})
        for name, facts in expected.items():
            member = members.get(name)
            if member is None:
                raise _damaged(_("%(name)s is missing") % {"name": name})
            if not member.isfile() or not _safe_member_name(name):
                raise _damaged(_("%(name)s is not a plain file") % {"name": name})
            if name != manifest["database"]["member"] and not name.startswith(MEDIA_PREFIX):
                raise _damaged(_("unexpected file %(name)s") % {"name": name})
            try:
                digest, size = _sha256(_member_file(tar, member))
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise _damaged(_("%(name)s is cut short") % {"name": name}) from exc
            if size != facts.get("size") or digest != facts.get("sha256"):
                raise _damaged(_("the checksum of %(name)s does not match") % {"name": name})
    return manifest


def database_has_data(settings_dict: dict[str, Any]) -> bool:
    """Whether the target holds anything worth keeping: any user account or establishment."""
    connection = connections.create_connection("default")
    connection.settings_dict = {**connection.settings_dict, **settings_dict}
    try:
        tables = set(connection.introspection.table_names())
        with connection.cursor() as cursor:
            for table in ("accounts_user", "registry_establishment"):
                if table in tables:
                    cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608
                    if cursor.fetchone():
                        return True
        return False
    finally:
        connection.close()


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def restore_backup(
    archive: Path,
    *,
    settings_dict: dict[str, Any],
    media_root: Path,
    force: bool = False,
) -> dict[str, Any]:
    """Check the archive, then replace the database and the uploaded files with its content."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    vendor = _vendor(settings_dict)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            _("This backup is of a %(archive)s database; the target database is %(target)s.")
            % {"archive": manifest["database"]["vendor"], "target": vendor}
        )
    unknown = sorted(set(manifest.get("migrations", [])) - _known_migrations())
    if unknown:
        raise BackupError(
            _(
                "The backup was made by a newer version of the system (migration %(name)s is "
                "unknown here): upgrade the system first."
            )
            % {"name": unknown[0]}
        )
    if not force and database_has_data(settings_dict):
        raise BackupError(
            _(
                "The target database already holds data (users or establishments). Restore "
                "into an empty database, or add --force to replace everything in it."
            )
        )
    with tempfile.TemporaryDirectory(prefix="kc-restore-") as work, tarfile.open(archive) as tar:
        dump = Path(work) / "database"
        source = tar.extractfile(manifest["database"]["member"])
        assert source is not None  # checked by read_manifest
        with dump.open("wb") as out:
            shutil.copyfileobj(source, out, _CHUNK)
        if vendor == "postgresql":
            _restore_postgresql(dump, settings_dict)
        else:
            _restore_sqlite(dump, settings_dict)
        _restore_media(tar, manifest, Path(media_root))
    return manifest


def _restore_postgresql(dump: Path, settings_dict: dict[str, Any]) -> None:
    connection = connections.create_connection("default")
    connection.settings_dict = {**connection.settings_dict, **settings_dict}
    try:
        with connection.cursor() as cursor:
            # Everything of the old installation goes; the dump brings its own extensions.
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    finally:
        connection.close()
    args, env = _pg_env(settings_dict)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            "--dbname",
            str(settings_dict["NAME"]),
            str(dump),
        ],
        env,
    )


def _restore_sqlite(dump: Path, settings_dict: dict[str, Any]) -> None:
    connection = connections.create_connection("default")
    connection.settings_dict = {**connection.settings_dict, **settings_dict}
    source = sqlite3.connect(dump)
    try:
        connection.ensure_connection()
        with connection.wrap_database_errors:
            source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


def _restore_media(tar: tarfile.TarFile, manifest: dict[str, Any], media_root: Path) -> None:
    """Replace the uploaded files: the archive's files in, files the archive lacks out."""
    media_root.mkdir(parents=True, exist_ok=True)
    wanted = {
        name[len(MEDIA_PREFIX) :] for name in manifest["files"] if name.startswith(MEDIA_PREFIX)
    }
    for path in sorted(media_root.rglob("*"), reverse=True):
        relative = path.relative_to(media_root).as_posix()
        if path.is_file() or path.is_symlink():
            if relative not in wanted:
                path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for name in sorted(manifest["files"]):
        if not name.startswith(MEDIA_PREFIX):
            continue
        target = media_root / name[len(MEDIA_PREFIX) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(name)
        assert source is not None  # checked by read_manifest
        partial = target.with_name(f".{target.name}.partial")
        with partial.open("wb") as out:
            shutil.copyfileobj(source, out, _CHUNK)
        os.replace(partial, target)


def _member_file(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    """The member's content; a directory or a link in its place is a damaged archive."""
    handle = tar.extractfile(member)
    if handle is None:
        raise _damaged(_("%(name)s is not a plain file") % {"name": member.name})
    return handle
