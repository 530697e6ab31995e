"""Text normalisation shared by search, duplicate detection and imports.

Vietnamese users type without diacritics on phones ("tau hu ky" for "Tàu hủ ky"), so every
searchable name is stored a second time in normalised form and searched with that form.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """Lower-case, strip diacritics (đ → d), collapse whitespace."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def normalise_name(text: str | None) -> str:
    """A name reduced for duplicate detection: normalised, punctuation dropped."""
    return _SPACES.sub(" ", re.sub(r"[^\w\s]", " ", normalise(text))).strip()
