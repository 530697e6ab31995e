"""The one guard every uploaded file passes before anything parses or stores it.

A file from a browser is hostile until proven otherwise (docs/security.md, Hostile files):

- its real type is read from its first bytes (the "magic"), never from its name: an .xlsx
  that is really a web page, or a .jpg that is a program, is refused;
- its size is checked before a byte of it is read into memory;
- a ZIP-based file (XLSX, DOCX, ODF) is judged by its central directory before it is opened:
  each member's declared uncompressed size and compression ratio, their total and their number.
  Python's ``zipfile`` (which openpyxl and python-docx use) stops a member at its declared size
  and fails its CRC check, so a member cannot inflate beyond what the directory says;
- rows and columns are counted while the sheet streams (``core.importing``), never after;
- a photo is decoded with Pillow under a pixel limit (decompression bombs) and re-encoded, which
  drops its metadata (GPS position, camera) and anything appended after the image data.

A refusal raises ``FileRejected`` with a Vietnamese message naming the file and the form field;
it comes from the first bytes and the ZIP directory, in milliseconds, whatever the file claims.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from khuyencong.core.errors import DomainError

MB = 1024 * 1024
# Spreadsheets to import. 20,000 rows of an establishment file are ~3 MB.
MAX_SPREADSHEET_BYTES = 5 * MB
# Photos of products.
MAX_IMAGE_BYTES = 5 * MB
# Documents attached to a project (decisions, minutes, contracts, invoices).
MAX_ATTACHMENT_BYTES = 20 * MB

# ZIP containers (XLSX, DOCX, ODF): what their central directory may declare.
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_TOTAL_BYTES = 100 * MB
MAX_ZIP_RATIO = 100
# Members smaller than this may compress better than the ratio (a tiny, repetitive XML part).
_RATIO_FLOOR_BYTES = 1 * MB

# Columns a sheet row may have: the widest format (a Kobo export with its metadata) has about
# a hundred. Beyond it a single cell far to the right would make every row thousands of cells.
MAX_COLUMNS = 500

# Photos: 40 megapixels is more than any phone takes; Pillow refuses beyond it.
MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

_HEAD = 4096


class FileRejected(DomainError):
    """The file as a whole cannot be accepted (type, size, structure, encoding, columns)."""


@dataclass(frozen=True)
class Sniffed:
    kind: str  # xlsx, docx, pptx, odf, zip, ole, pdf, png, jpeg, webp, gif, html, xml, exe, text, binary
    label: str  # how the refusal names it ("a web page (HTML)")


def _labels() -> dict[str, str]:
    return {
        "html": _("a web page (HTML)"),
        "xml": _("an XML file"),
        "pdf": _("a PDF document"),
        "png": _("a PNG image"),
        "jpeg": _("a JPEG image"),
        "webp": _("a WebP image"),
        "gif": _("a GIF image"),
        "exe": _("a program"),
        "zip": _("a ZIP archive"),
        "docx": _("a Word document (.docx)"),
        "xlsx": _("an Excel workbook (.xlsx)"),
        "pptx": _("a PowerPoint presentation (.pptx)"),
        "odf": _("an OpenDocument file"),
        "ole": _("an old Office file (.doc, .xls) or a password-protected one"),
        "text": _("a text file"),
        "binary": _("a file of unknown type"),
    }


def sniff(head: bytes) -> str:
    """The real type of a file from its first bytes (not its name)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"  # refined from its directory by ``zip_kind``
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        return "exe"
    text = _as_text(head)
    if text is None:
        return "binary"
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(
        ("<!doctype html", "<html", "<head", "<body", "<meta", "<script", "<table")
    ):
        return "html"
    if start.startswith(("<?xml", "<svg")):
        # Excel's "XML Spreadsheet 2003" and SVG images are XML; neither is accepted.
        return "html" if "<html" in start[:_HEAD] else "xml"
    return "text"


def _as_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="ignore")
        except UnicodeDecodeError:  # pragma: no cover - errors="ignore"
            return None
    if b"\x00" in head:
        return None
    # Control characters other than tab, CR, LF and form feed mean a binary file.
    if any(byte < 0x20 and byte not in (9, 10, 12, 13) for byte in head):
        return None
    return head.decode("utf-8", errors="ignore")


# Reading uploads --------------------------------------------------------------------------


def _name_of(upload: Any, filename: str | None) -> str:
    return PurePath(filename or getattr(upload, "name", "") or "").name or "?"


def _size_of(upload: Any) -> int:
    if isinstance(upload, bytes | bytearray):
        return len(upload)
    size = getattr(upload, "size", None)
    if size is None:  # a plain file object
        position = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(position)
    return int(size)


def _head_of(upload: Any) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload[:_HEAD])
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    return head.encode() if isinstance(head, str) else head


def _read(upload: Any) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data.encode() if isinstance(data, str) else data


def _context(name: str, field: str | None) -> dict[str, str]:
    return {"name": name, "field": str(field) if field else _("file")}


def check_size(upload: Any, limit: int, *, name: str, field: str | None = None) -> int:
    """Refuse a file over ``limit`` bytes from its declared size, before reading it."""
    size = _size_of(upload)
    if size == 0:
        raise FileRejected(
            _("“%(name)s” (%(field)s) is empty.") % _context(name, field), field="file"
        )
    if size > limit:
        raise FileRejected(
            _(
                "“%(name)s” (%(field)s) is %(size)s MB; the limit is %(limit)s MB. "
                "Split it into smaller files."
            )
            % {
                **_context(name, field),
                "size": f"{size / MB:.1f}".replace(".", ","),
                "limit": f"{limit / MB:g}",
            },
            field="file",
        )
    return size


def _not_what_it_claims(name: str, field: str | None, kind: str, expected: str) -> FileRejected:
    return FileRejected(
        _(
            "“%(name)s” (%(field)s) is not really %(expected)s: its content is %(actual)s. "
            "Open it in the program that made it, save it in the right format and upload it again."
        )
        % {**_context(name, field), "expected": expected, "actual": _labels()[kind]},
        field="file",
    )


# ZIP containers -----------------------------------------------------------------------------


def check_zip(upload: Any, *, name: str, field: str | None = None) -> str:
    """Check a ZIP container from its central directory alone; its kind (xlsx, docx, …).

    Nothing is decompressed: the sizes are the ones the directory declares, which ``zipfile``
    holds every member to when it is read later.
    """
    source = io.BytesIO(upload) if isinstance(upload, bytes | bytearray) else upload
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRejected(
            _(
                "“%(name)s” (%(field)s) is damaged: it cannot be opened. Save it again from the "
                "program that made it and upload the new file."
            )
            % _context(name, field),
            field="file",
        ) from exc
    finally:
        if not isinstance(upload, bytes | bytearray):
            upload.seek(0)
    if len(members) > MAX_ZIP_MEMBERS:
        raise _zip_refused(name, field)
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_ZIP_TOTAL_BYTES or (
            member.file_size > _RATIO_FLOOR_BYTES and ratio > MAX_ZIP_RATIO
        ):
            raise _zip_refused(name, field)
    return zip_kind({member.filename for member in members})


def _zip_refused(name: str, field: str | None) -> FileRejected:
    return FileRejected(
        _(
            "“%(name)s” (%(field)s) was refused: once unpacked it would be far larger than any "
            "real document (more than %(total)s MB, or compressed more than %(ratio)s times). "
            "Such a file is built to overload the server."
        )
        % {
            **_context(name, field),
            "total": MAX_ZIP_TOTAL_BYTES // MB,
            "ratio": MAX_ZIP_RATIO,
        },
        field="file",
    )


def zip_kind(names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "mimetype" in names and "content.xml" in names:
        return "odf"
    return "zip"


# Spreadsheets -------------------------------------------------------------------------------


def check_spreadsheet(
    upload: Any,
    *,
    filename: str | None = None,
    field: str | None = None,
    limit: int = MAX_SPREADSHEET_BYTES,
) -> tuple[str, bytes]:
    """('xlsx' | 'csv', the file's bytes) for a spreadsheet to import, or ``FileRejected``.

    The size is checked before reading, the type from the first bytes, an XLSX's directory
    before openpyxl sees it; the rows are limited while they are read (``core.importing``).
    """
    name = _name_of(upload, filename)
    check_size(upload, limit, name=name, field=field)
    kind = sniff(_head_of(upload))
    extension = PurePath(name).suffix.lower()
    if kind == "ole" or extension == ".xls":
        raise FileRejected(
            _(
                "“%(name)s” (%(field)s) is an old Excel file (.xls) or a password-protected one. "
                "Open it in Excel and save it as “Excel Workbook (.xlsx)” without a password."
            )
            % _context(name, field),
            field="file",
        )
    if kind == "zip":
        kind = check_zip(upload, name=name, field=field)
        if kind != "xlsx":
            raise _not_what_it_claims(name, field, kind, _labels()["xlsx"])
        return "xlsx", _read(upload)
    if kind == "text" and extension in ("", ".csv", ".txt"):
        return "csv", _read(upload)
    if extension in (".xlsx", ".xlsm"):
        raise _not_what_it_claims(name, field, kind, _labels()["xlsx"])
    if extension in (".csv", ".txt"):
        raise _not_what_it_claims(name, field, kind, _("a CSV file"))
    raise FileRejected(
        _(
            "“%(name)s” (%(field)s) cannot be imported: upload an Excel file (.xlsx) or a CSV "
            "file (.csv)."
        )
        % _context(name, field),
        field="file",
    )


# Images -------------------------------------------------------------------------------------

IMAGE_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def clean_image(
    upload: Any, *, field: str | None = None, limit: int = MAX_IMAGE_BYTES
) -> ContentFile:
    """A JPEG, PNG or WebP photo decoded and re-encoded: a new file carrying only pixels.

    Refuses other types (whatever the name says), files over the size limit, and images whose
    dimensions exceed ``MAX_IMAGE_PIXELS`` before decoding a single pixel.
    """
    name = _name_of(upload, None)
    check_size(upload, limit, name=name, field=field)
    kind = sniff(_head_of(upload))
    if kind not in IMAGE_FORMATS:
        raise _not_what_it_claims(name, field, kind, _("a JPEG, PNG or WebP photo"))
    bad = FileRejected(
        _("“%(name)s” (%(field)s) is not a readable photo: it is damaged.") % _context(name, field),
        field="file",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(_read(upload)), formats=[IMAGE_FORMATS[kind]])
            width, height = opened.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels(name, field, width, height)
            opened.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(name, field, 0, 0) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise bad from exc
    fmt = IMAGE_FORMATS[kind]
    # The camera's orientation is applied to the pixels, since the metadata saying it goes.
    image: Image.Image = ImageOps.exif_transpose(opened)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 88} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    image.save(out, format=fmt, **options)
    stem = PurePath(name).stem or "anh"
    return ContentFile(out.getvalue(), name=f"{stem}{_EXTENSIONS[fmt]}")


def _too_many_pixels(name: str, field: str | None, width: int, height: int) -> FileRejected:
    return FileRejected(
        _(
            "“%(name)s” (%(field)s) is too large an image (%(size)s pixels; at most %(max)s "
            "million). Resize it and upload it again."
        )
        % {
            **_context(name, field),
            "size": f"{width}×{height}" if width else _("billions of"),
            "max": MAX_IMAGE_PIXELS // 1_000_000,
        },
        field="file",
    )


# Attachments --------------------------------------------------------------------------------

# What a project may keep as a document: office files, PDFs and scans.
ATTACHMENT_KINDS = {"pdf", "docx", "xlsx", "pptx", "odf", "ole", "jpeg", "png", "webp"}


def check_attachment(upload: Any, *, field: str | None = None) -> Any:
    """A document to keep and offer for download: PDF, office file or scan. Images are
    re-encoded (``clean_image``); office files must pass the ZIP checks. Returns the file to
    store (the upload itself, or the re-encoded image)."""
    name = _name_of(upload, None)
    check_size(upload, MAX_ATTACHMENT_BYTES, name=name, field=field)
    kind = sniff(_head_of(upload))
    if kind == "zip":
        kind = check_zip(upload, name=name, field=field)
    if kind not in ATTACHMENT_KINDS:
        raise FileRejected(
            _(
                "“%(name)s” (%(field)s) cannot be attached: its content is %(actual)s. Attach a "
                "PDF, a Word, Excel or PowerPoint file, or a scan (JPEG, PNG)."
            )
            % {**_context(name, field), "actual": _labels()[kind]},
            field="file",
        )
    if kind in IMAGE_FORMATS:  # a scan: its pixels only
        return clean_image(upload, field=field, limit=MAX_ATTACHMENT_BYTES)
    return upload


# Form fields ------------------------------------------------------------------------------
# Every upload form uses one of these, so no upload reaches a view unchecked.


class SpreadsheetField(forms.FileField):
    """A spreadsheet to import (.xlsx or .csv): checked by ``check_spreadsheet`` in ``clean``.
    The cleaned value is the upload itself, its bytes under ``upload.checked_content``."""

    def __init__(self, *args: Any, limit: int = MAX_SPREADSHEET_BYTES, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
        super().__init__(*args, **kwargs)
        self.limit = limit  # bytes; the establishment import allows more (IMPORT_MAX_BYTES)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            try:
                _kind, content = check_spreadsheet(upload, field=_label(self), limit=self.limit)
            except FileRejected as rejected:
                raise forms.ValidationError(str(rejected.message), code="file") from rejected
            upload.checked_content = content
        return upload


class ImageUploadField(forms.FileField):
    """A photo: JPEG, PNG or WebP, re-encoded by ``clean_image``; cleans to the new file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if not upload:
            return upload
        try:
            return clean_image(upload, field=_label(self))
        except FileRejected as rejected:
            raise forms.ValidationError(str(rejected.message), code="file") from rejected


class AttachmentField(forms.FileField):
    """A document to attach (PDF, office file, scan), checked by ``check_attachment``."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if not upload:
            return upload
        try:
            return check_attachment(upload, field=_label(self))
        except FileRejected as rejected:
            raise forms.ValidationError(str(rejected.message), code="file") from rejected


def _label(field: forms.Field) -> str | None:
    """The field's label, translated now, for the messages that name it."""
    return None if field.label is None else str(field.label)
