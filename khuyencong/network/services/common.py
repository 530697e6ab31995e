"""What every rule of the network checks the same way: today's date, the bounds of counts,
amounts and texts, and a text, date or whole number given by a form or the API."""

from __future__ import annotations

import datetime
from typing import Any, Literal, overload

from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.formats import format_number
from khuyencong.network.errors import NetworkError

# Guards against typos and overflow, far above anything a commune reports.
MAX_COUNT = 1_000_000
MAX_AMOUNT = 10**15
MAX_TEXT = 5000
MAX_DIFFICULTIES = 50


def today() -> datetime.date:
    return timezone.localdate()


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise NetworkError(_("This field is required."), field=field)
    if len(text) > max_length:
        raise NetworkError(
            _("Write at most %(n)s characters.") % {"n": format_number(max_length)}, field=field
        )
    return text


@overload
def clean_date(value: Any, field: str, *, required: Literal[True]) -> datetime.date: ...
@overload
def clean_date(value: Any, field: str, *, required: bool) -> datetime.date | None: ...
def clean_date(value: Any, field: str, *, required: bool) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise NetworkError(_("Enter a date."), field=field)
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise NetworkError(_("Enter a valid date."), field=field)
    return value


def clean_whole(value: Any, field: str, *, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NetworkError(_("Enter a whole number."), field=field)
    if not 0 <= value <= maximum:
        raise NetworkError(
            _("Enter a number between 0 and %(max)s.") % {"max": format_number(maximum)},
            field=field,
        )
    return value
