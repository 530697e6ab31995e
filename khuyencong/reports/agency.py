"""Who issues the official report forms (``models.IssuingAgency``): the rules of reading and
configuring it, the defaults printed while a province has set nothing, and which agency
issues the form of a unit.

- A province's forms (its own, its communes', its pre-2025 provinces') are issued by the
  province's agency; a region's and the nation's by the national agency.
- A province's manager configures their province's agency; an administrator every one,
  including the national agency. Anyone who may read a province's reports reads its agency.
- Every change bumps ``version`` (a stale edit is refused) and is kept in the history.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from khuyencong.core.errors import DomainError, StaleEditError
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.places.models import Commune, LegacyProvince, Province
from khuyencong.reports import access
from khuyencong.reports.models import IssuingAgency
from khuyencong.reports.units import COMMUNE, LEGACY_PROVINCE, PROVINCE, Unit

FIELDS = (
    "superior",
    "name",
    "symbol",
    "place",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
)
REQUIRED = ("name", "symbol", "place", "signer_title")
MAX_RECIPIENTS = 15
# A symbol as documents write it: the kind of document and the agency's abbreviations
# (Vietnamese letters too), joined by hyphens ("BC-SCT", "BC-ĐMST"); the number is not part of it.
_SYMBOL = re.compile(r"^[^\W\d_]+(?:-[^\W_]+)*$")

NATIONAL_DEFAULT = {
    "superior": "BỘ CÔNG THƯƠNG",
    "name": "CỤC ĐỔI MỚI SÁNG TẠO, CHUYỂN ĐỔI XANH VÀ KHUYẾN CÔNG",
    "symbol": "BC-ĐMST",
    "place": "Hà Nội",
    "signer_authority": "",
    "signer_title": "CỤC TRƯỞNG",
    "signer_name": "",
    "recipients": (
        "- Bộ trưởng (để báo cáo);\n"
        "- Các Thứ trưởng;\n"
        "- Sở Công Thương các tỉnh, thành phố;\n"
        "- Lưu: VT, KC."
    ),
}


class AgencyError(DomainError):
    """Invalid settings of an issuing agency (API and page: the field at fault)."""


def default_agency(province: Province | None) -> IssuingAgency:
    """The agency printed while nothing is set (unsaved): the national agency, or the
    province's Department of Industry and Trade under its People's Committee."""
    if province is None:
        return IssuingAgency(province=None, **NATIONAL_DEFAULT)
    return IssuingAgency(
        province=province,
        superior=f"UBND {province.name.upper()}",
        name="SỞ CÔNG THƯƠNG",
        symbol="BC-SCT",
        place=province.short_name,
        signer_authority="",
        signer_title="GIÁM ĐỐC",
        signer_name="",
        recipients=(
            "- Bộ Công Thương (Cục ĐMST, CĐX và KC);\n"
            f"- UBND {province.name[:1].lower()}{province.name[1:]} (để báo cáo);\n"
            "- Lưu: VT, TTKC."
        ),
    )


def agency_of(province: Province | None) -> IssuingAgency:
    """The saved agency of ``province`` (None: the national agency), else its default."""
    saved = IssuingAgency.objects.filter(province=province).first()
    return saved if saved is not None else default_agency(province)


def issuing_province(unit_text: str) -> Province | None:
    """The province whose agency issues the form of a unit; None for a region or the
    nation (the national agency)."""
    unit = Unit.parse(unit_text)
    if unit.kind == PROVINCE:
        return Province.objects.filter(code=unit.code).first()
    if unit.kind == COMMUNE:
        commune = Commune.objects.select_related("province").filter(code=unit.code).first()
        return commune.province if commune else None
    if unit.kind == LEGACY_PROVINCE:
        old = LegacyProvince.objects.select_related("successor").filter(code=unit.code).first()
        return old.successor if old else None
    return None


def agency_for_unit(unit_text: str) -> IssuingAgency:
    """The agency that issues the form of ``unit_text`` ("province:66", "nation", …)."""
    return agency_of(issuing_province(unit_text))


# --- changing -------------------------------------------------------------------------------


def clean(data: dict[str, Any]) -> dict[str, str]:
    """The settings as saved (trimmed), or ``AgencyError`` naming the first field at fault."""
    cleaned: dict[str, str] = {}
    for name in FIELDS:
        value = str(data.get(name) or "").strip()
        if name != "recipients":
            value = " ".join(value.split())
        limit = getattr(IssuingAgency._meta.get_field(name), "max_length", None)
        if limit and len(value) > limit:
            raise AgencyError(_("At most %(limit)s characters.") % {"limit": limit}, field=name)
        if name in REQUIRED and not value:
            raise AgencyError(_("This field is required."), field=name)
        cleaned[name] = value
    if not _SYMBOL.match(cleaned["symbol"]):
        raise AgencyError(
            _("Write the symbol as letters joined by hyphens, e.g. BC-SCT (without the number)."),
            field="symbol",
        )
    lines = [line.strip() for line in cleaned["recipients"].splitlines() if line.strip()]
    if len(lines) > MAX_RECIPIENTS:
        raise AgencyError(
            _("At most %(count)s recipients, one a line.") % {"count": MAX_RECIPIENTS},
            field="recipients",
        )
    if any(len(line) > 200 for line in lines):
        raise AgencyError(_("A recipient line has at most 200 characters."), field="recipients")
    cleaned["recipients"] = "\n".join(lines)
    return cleaned


def save_agency(
    *, actor: Any, province: Province | None, data: dict[str, Any], expected_version: int
) -> IssuingAgency:
    """Set the agency of ``province`` (None: the national agency). ``expected_version`` is
    the version the editor saw, 0 when none was saved yet; a stale edit is refused."""
    if not access.may_configure_agency(actor, province):
        raise AgencyError(_("Only the province's manager or an administrator may change this."))
    cleaned = clean(data)
    try:
        with transaction.atomic():
            existing = IssuingAgency.objects.filter(province=province).values_list("pk", flat=True)
            pk = existing.first()
            if pk is None:
                if expected_version:
                    raise StaleEditError()
                current = IssuingAgency(province=province)
            else:
                if not expected_version:
                    raise StaleEditError()
                current = lock_current(IssuingAgency.objects.all(), pk, expected_version)
                current.version += 1
            for name, value in cleaned.items():
                setattr(current, name, value)
            current.updated_by = actor
            set_history_actor(current, actor)
            current.save()
    except IntegrityError as exc:  # saved by someone else at the same moment
        raise StaleEditError() from exc
    return current
