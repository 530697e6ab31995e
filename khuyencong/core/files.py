"""Uploaded files leave the system only through here (DESIGN.md, Production).

There is no public media folder: every view that returns an upload (a product photo, a
project document, a job's result) first finds the record through the app's scoping (out of
scope answers 404, like a missing record) and then calls ``serve_file``. That answers

- with ``X-Accel-Redirect`` to the web server's ``internal`` location when
  ``MEDIA_ACCEL_REDIRECT`` names it (nginx then sends the bytes; deploy/nginx/), or
- with the file streamed by the app itself (``make run``, ``make serve`` without nginx).

The Content-Type comes from an allow-list by extension, never from the upload: photos and
PDFs may be shown in the browser; everything else (HTML and SVG included, which could carry
scripts) is an ``attachment`` of a known type or ``application/octet-stream``, always with
``X-Content-Type-Options: nosniff`` so the browser never guesses.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

# Shown in the browser: images it draws itself and PDFs (never SVG, which is a document).
INLINE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}
# Downloaded with their own type, so the right program opens them.
DOWNLOAD_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".zip": "application/zip",
}
FALLBACK_TYPE = "application/octet-stream"


def content_type_for(name: str) -> tuple[str, bool]:
    """``(content type, may be shown inline)`` for a stored file name."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in INLINE_TYPES:
        return INLINE_TYPES[suffix], True
    return DOWNLOAD_TYPES.get(suffix, FALLBACK_TYPE), False


def _local_path(fieldfile: FieldFile) -> bool:
    """Whether the storage keeps files on this machine's disk (nginx can read them)."""
    try:
        fieldfile.path  # noqa: B018
    except NotImplementedError:
        return False
    return True


def serve_file(
    request: HttpRequest,
    fieldfile: FieldFile,
    *,
    filename: str | None = None,
    as_attachment: bool = False,
) -> HttpResponseBase:
    """Answer with an upload the caller has already found through the user's scope.

    ``filename`` is the name the browser saves (default: the stored file's own name);
    ``as_attachment`` forces a download even for a photo or a PDF. A record without its
    file, or a file gone from the storage, is a 404.
    """
    if not fieldfile or not fieldfile.name:
        raise Http404
    stored = fieldfile.name
    name = filename or PurePosixPath(stored).name
    content_type, inline = content_type_for(stored)
    attachment = as_attachment or not inline
    prefix = settings.MEDIA_ACCEL_REDIRECT
    if prefix and _local_path(fieldfile):
        if not fieldfile.storage.exists(stored):
            raise Http404
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(stored)
    else:
        try:
            handle = fieldfile.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    # Only the browser of the person allowed may keep it, and only briefly: access can change.
    patch_cache_control(response, private=True, max_age=300)
    return response
