"""Text normalisation shared by search, duplicate detection and imports.

Vietnamese users type without diacritics on phones ("tau hu ky" for "Tàu hủ ky"), so every
searchable name is stored a second time in normalised form and searched with that form.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


class _Marks(dict[int, int | None]):
    """``str.translate`` table dropping the non-spacing marks (category Mn) and keeping every
    other character: filled as characters are met, so a name is stripped at C speed (a
    per-character test in Python was most of ``normalise``, a tenth of a large import)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        if code < 0x2000:  # the scripts a name is written in here; the table stays small
            self[code] = kept
        return kept


_MARKS = _Marks()


def normalise(text: str | None) -> str:
    """Lower-case, strip diacritics (đ → d), collapse whitespace."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = unicodedata.normalize("NFD", text).translate(_MARKS)
    return _SPACES.sub(" ", stripped).strip().lower()


def normalise_name(text: str | None) -> str:
    """A name reduced for duplicate detection: normalised, punctuation dropped."""
    return _SPACES.sub(" ", re.sub(r"[^\w\s]", " ", normalise(text))).strip()
