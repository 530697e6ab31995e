"""Business rules of the awards: who sees and manages which rounds, rounds and their data
(council, pass mark, criteria groups, windows), entries with the level-below rule, score
sheets, complaints. The workflow of a round (open → scoring → closed) is
``awards.workflow``; the arithmetic of the results is ``awards.scoring``.

Every change goes through a ``verb_noun`` function taking ``actor=`` (STYLE.md 2); the staff
pages, the API and the demo all call these. Reads, and who manages what, are
``awards.access`` (``rounds_for``, ``entries_for``, ``complaints_for``, ``may_manage``).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.awards import certificates, scoring
from khuyencong.awards.access import (
    PROVINCIAL_LEVELS,
    complaints_for,
    entries_for,
    may_create_round,
    may_enter,
    may_manage,
    rounds_for,
)
from khuyencong.awards.dates import add_working_days
from khuyencong.awards.errors import AwardError
from khuyencong.awards.models import (
    AwardComplaint,
    AwardEntry,
    AwardRound,
    Level,
    ProductGroup,
    ScoreSheet,
)
from khuyencong.core.errors import WorkflowError
from khuyencong.core.formats import format_number
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.core.scoping import is_admin
from khuyencong.core.text import normalise
from khuyencong.places.models import LegacyDistrict, Province, Region
from khuyencong.registry.models import Establishment, Product

S = AwardRound.Status
# Council members per level (DOMAIN.md), both ends included; the number must be odd.
COUNCIL_SIZES = {
    Level.DISTRICT: (5, 7),
    Level.PROVINCE: (7, 9),
    Level.REGION: (9, 11),
    Level.NATIONAL: (11, 13),
}
# Districts were abolished on 1 July 2025: district rounds are records of earlier years.
LAST_DISTRICT_YEAR = 2024
MAX_TEXT = 5000
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
ROUND_TEXT_FIELDS = {"title": 300, "organiser": 300, "decision": 200}


def today() -> datetime.date:
    return timezone.localdate()


# --- who sees what: awards/access.py -------------------------------------------------


# --- rounds -------------------------------------------------------------------------------


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise AwardError(_("This field is required."), field=field)
    if len(text) > max_length:
        raise AwardError(
            _("Write at most %(n)s characters.") % {"n": format_number(max_length)}, field=field
        )
    return text


def _whole(value: Any, field: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AwardError(_("Enter a whole number."), field=field)
    if not low <= value <= high:
        raise AwardError(
            _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=field,
        )
    return value


def check_council_size(level: str, size: Any) -> int:
    """An odd number of members within the range of the level (DOMAIN.md)."""
    low, high = COUNCIL_SIZES[Level(level)]
    if isinstance(size, bool) or not isinstance(size, int):
        raise AwardError(_("Enter a whole number."), field="council_size")
    if not low <= size <= high:
        raise AwardError(
            _("A %(level)s council has %(low)s to %(high)s members.")
            % {"level": Level(level).label.lower(), "low": low, "high": high},
            field="council_size",
        )
    if size % 2 == 0:
        raise AwardError(
            _("The council must have an odd number of members (%(size)s is even).")
            % {"size": size},
            field="council_size",
        )
    return size


def check_pass_mark(value: Any) -> Decimal:
    number = scoring.to_decimal(value)
    if number is None:
        raise AwardError(_("Enter a number."), field="pass_mark")
    if not Decimal(0) < number <= Decimal(100) or number != number.quantize(scoring.CENT):
        raise AwardError(
            _("Enter a pass mark above 0 and at most 100, with at most two decimals."),
            field="pass_mark",
        )
    return number.quantize(scoring.CENT)


def clean_criteria(value: Any) -> list[dict[str, Any]]:
    """Criteria groups: ``[{"code", "name", "max_points"}]``, codes unique, whole maxima
    above 0, adding up to 100 (the score sheet is out of 100)."""
    if not isinstance(value, list | tuple) or not value:
        raise AwardError(_("Give at least one criteria group."), field="criteria")
    cleaned: list[dict[str, Any]] = []
    seen = set()
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise AwardError(
                _("Group %(n)s: give a code and its maximum points.") % {"n": index},
                field="criteria",
            )
        code = str(item.get("code") or "").strip()
        if not CODE_RE.match(code):
            raise AwardError(
                _("Group %(n)s: the code must be lower-case letters, digits or _ (e.g. market).")
                % {"n": index},
                field="criteria",
            )
        if code in seen:
            raise AwardError(
                _("Group %(n)s: the code “%(code)s” appears twice.") % {"n": index, "code": code},
                field="criteria",
            )
        seen.add(code)
        name = str(item.get("name") or "").strip()
        if len(name) > 200:
            raise AwardError(
                _("Group %(n)s: the name is too long.") % {"n": index}, field="criteria"
            )
        if not name and code not in scoring.CRITERIA_LABELS:
            raise AwardError(
                _("Group %(n)s: name the group “%(code)s”.") % {"n": index, "code": code},
                field="criteria",
            )
        maximum = item.get("max_points")
        if isinstance(maximum, bool) or not isinstance(maximum, int) or not 0 < maximum <= 100:
            raise AwardError(
                _("Group %(n)s: the maximum must be a whole number from 1 to 100.") % {"n": index},
                field="criteria",
            )
        cleaned.append({"code": code, "name": name, "max_points": maximum})
    total = sum(c["max_points"] for c in cleaned)
    if total != scoring.CRITERIA_TOTAL:
        raise AwardError(
            _("The criteria groups add up to %(total)s points; the score sheet is out of 100.")
            % {"total": total},
            field="criteria",
        )
    return cleaned


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _place(round: AwardRound, data: dict[str, Any], actor: Any) -> None:
    """Set and check the round's place for its level, and the actor's right to it."""
    level = round.level
    if level not in PROVINCIAL_LEVELS and not is_admin(actor):
        raise AwardError(
            _("Only an administrator may organise a region or national round."), field="level"
        )
    province_id = _pk(data.get("province")) or None
    region_id = _pk(data.get("region")) or None
    district_id = _pk(data.get("legacy_district")) or None
    if level in PROVINCIAL_LEVELS:
        if province_id is None:
            raise AwardError(_("Choose the province of the round."), field="province")
        if not Province.objects.filter(pk=province_id).exists():
            raise AwardError(_("No province with this code."), field="province")
        round.province_id, round.region_id = province_id, None
        if level == Level.DISTRICT and district_id is not None:
            if not LegacyDistrict.objects.filter(
                pk=district_id, province__successor_id=province_id
            ).exists():
                raise AwardError(
                    _("This district did not lie in the round's province."),
                    field="legacy_district",
                )
            round.legacy_district_id = district_id
        else:
            round.legacy_district_id = None
    elif level == Level.REGION:
        if region_id is None:
            raise AwardError(_("Choose the region of the round."), field="region")
        if not Region.objects.filter(pk=region_id).exists():
            raise AwardError(_("No region with this code."), field="region")
        round.province_id, round.region_id, round.legacy_district_id = None, region_id, None
    else:
        round.province_id = round.region_id = round.legacy_district_id = None
    if not is_admin(actor) and (
        not may_create_round(actor) or actor.province_id != round.province_id
    ):
        raise AwardError(_("You may not organise rounds for this province."), field="province")


def _check_unique(round: AwardRound) -> None:
    same = AwardRound.objects.filter(level=round.level, year=round.year).exclude(pk=round.pk)
    if round.level == Level.PROVINCE:
        same = same.filter(province_id=round.province_id)
    elif round.level == Level.REGION:
        same = same.filter(region_id=round.region_id)
    elif round.level == Level.DISTRICT:
        if round.legacy_district_id is None:
            return
        same = same.filter(legacy_district_id=round.legacy_district_id)
    if same.exists():
        raise AwardError(
            _("There is already a round at this level and place for %(year)s.")
            % {"year": round.year},
            field="year",
        )


def _apply_round(round: AwardRound, data: dict[str, Any], *, creating: bool) -> None:
    for name, length in ROUND_TEXT_FIELDS.items():
        if name in data or creating:
            setattr(
                round,
                name,
                clean_text(data.get(name), name, max_length=length, required=name == "title"),
            )
    if "year" in data or creating:
        round.year = _whole(data.get("year"), "year", low=2000, high=2100)
    if round.level == Level.DISTRICT and round.year > LAST_DISTRICT_YEAR:
        raise AwardError(
            _(
                "District rounds ended with the districts (1 July 2025): a district round "
                "is for %(year)s or earlier."
            )
            % {"year": LAST_DISTRICT_YEAR},
            field="year",
        )
    if "council_size" in data or creating:
        round.council_size = check_council_size(round.level, data.get("council_size"))
    if "pass_mark" in data and data["pass_mark"] is not None:
        round.pass_mark = check_pass_mark(data["pass_mark"])
    if "criteria" in data and data["criteria"] is not None:
        round.criteria = clean_criteria(data["criteria"])
    elif creating:
        round.criteria = clean_criteria(round.criteria)
    for name in ("complaint_days", "resolution_days"):
        if name in data and data[name] is not None:
            setattr(round, name, _whole(data[name], name, low=1, high=90))
    if "closing_date" in data:
        day = data["closing_date"]
        if day is not None and (
            not isinstance(day, datetime.date) or isinstance(day, datetime.datetime)
        ):
            raise AwardError(_("Enter a valid date."), field="closing_date")
        if day is not None and not round.year <= day.year <= round.year + 1:
            raise AwardError(
                _("The closing date must fall in %(year)s or early the year after.")
                % {"year": round.year},
                field="closing_date",
            )
        round.closing_date = day


@transaction.atomic
def create_round(*, actor: Any, data: dict[str, Any]) -> AwardRound:
    """Organise a round. ``data``: level, year, province / region (by level),
    legacy_district (district rounds, optional), title, organiser, decision,
    council_size, and optionally pass_mark (70), criteria (the standard four groups),
    complaint_days (15), resolution_days (10), closing_date (planned)."""
    if not may_create_round(actor):
        raise AwardError(_("You may not organise award rounds."), field="level")
    level = data.get("level")
    if level not in Level.values:
        raise AwardError(_("Choose the level of the round."), field="level")
    round = AwardRound(level=level, created_by=actor)
    _place(round, data, actor)
    _apply_round(round, data, creating=True)
    _check_unique(round)
    set_history_actor(round, actor)
    try:
        with transaction.atomic():
            round.save()
    except IntegrityError as exc:  # a concurrent twin slipped past the check above
        raise AwardError(
            _("There is already a round at this level and place for %(year)s.")
            % {"year": round.year},
            field="year",
        ) from exc
    return round


# While open everything but the level and place may change; once scoring has begun the
# rules of the scoring (criteria, pass mark, council) are fixed; a closed round is final.
FIXED_ONCE_SCORING = ("criteria", "pass_mark", "council_size", "year")


@transaction.atomic
def update_round(
    *, actor: Any, round: AwardRound, data: dict[str, Any], expected_version: int | None
) -> AwardRound:
    try:
        current = lock_current(rounds_for(actor, write=True), round.pk, expected_version)
    except AwardRound.DoesNotExist as exc:
        raise Http404 from exc
    if current.status == S.CLOSED:
        raise WorkflowError(_("A closed round can no longer be changed: its results are final."))
    if "level" in data and data["level"] != current.level:
        raise AwardError(
            _("A round keeps its level and place; organise another round instead."),
            field="level",
        )
    for name in ("province", "region", "legacy_district"):
        if name in data and (_pk(data[name]) or None) != getattr(current, f"{name}_id"):
            raise AwardError(
                _("A round keeps its level and place; organise another round instead."),
                field=name,
            )
    before = {name: getattr(current, name) for name in FIXED_ONCE_SCORING}
    _apply_round(current, data, creating=False)
    if current.status != S.OPEN:
        for name in FIXED_ONCE_SCORING:
            if getattr(current, name) != before[name]:
                raise AwardError(_("Scoring has begun: this can no longer be changed."), field=name)
    if "council_size" in data:
        judges = judge_count(current)
        if current.council_size < judges:
            raise AwardError(
                _("%(n)s judges have already scored: the council cannot be smaller.")
                % {"n": judges},
                field="council_size",
            )
    _check_unique(current)
    current.version += 1
    set_history_actor(current, actor)
    current.save()
    return current


def entries_missing_sheets(round: AwardRound) -> QuerySet[AwardEntry]:
    """The round's entries with fewer score sheets than the council has members: a round
    cannot close while one lacks a judge's sheet."""
    return (
        AwardEntry.objects.filter(round=round)
        .annotate(sheet_total=Count("sheets"))
        .filter(sheet_total__lt=round.council_size)
        .select_related("establishment", "round")
        .order_by("product_name", "id")
    )


def judge_count(round: AwardRound) -> int:
    """Distinct judges who have scored in the round."""
    return ScoreSheet.objects.filter(round=round).values("judge_key").distinct().order_by().count()


def complaint_window(round: AwardRound) -> tuple[datetime.date, datetime.date] | None:
    """First and last day complaints are received: from the closing date to its
    ``complaint_days``-th working day after. ``None`` before the round closes."""
    if round.status != S.CLOSED or round.closing_date is None:
        return None
    return round.closing_date, add_working_days(round.closing_date, round.complaint_days)


# --- entries ------------------------------------------------------------------------------


def _lower_certificate(round: AwardRound, entry: AwardEntry) -> AwardEntry | None:
    """The level-below rule: a region round needs a province certificate of the same
    product valid on the round's reference date, a national round a region one."""
    lower = certificates.LEVEL_BELOW.get(round.level)
    if lower is None:
        return None
    on = certificates.reference_date(round)
    found = certificates.find_valid_certificate(
        establishment_id=entry.establishment_id,
        product_id=entry.product_id,
        search_name=entry.search_name,
        level=lower,
        on=on,
    )
    if found is not None:
        return found
    latest = certificates.latest_certificate(
        establishment_id=entry.establishment_id,
        product_id=entry.product_id,
        search_name=entry.search_name,
        level=lower,
    )
    label = Level(lower).label.lower()
    if latest is not None:
        raise AwardError(
            _(
                "The product's %(level)s certificate %(number)s was valid until %(until)s; "
                "a %(round_level)s round needs one valid on %(on)s."
            )
            % {
                "level": label,
                "number": latest.certificate_number,
                "until": latest.valid_until.strftime("%d/%m/%Y") if latest.valid_until else "",
                "round_level": Level(round.level).label.lower(),
                "on": on.strftime("%d/%m/%Y"),
            },
            field="product",
        )
    raise AwardError(
        _(
            "A %(round_level)s round needs a valid %(level)s certificate of the same product; "
            "none was found for this product."
        )
        % {"round_level": Level(round.level).label.lower(), "level": label},
        field="product",
    )


def _check_entry_place(actor: Any, round: AwardRound, establishment: Establishment) -> None:
    if round.level in PROVINCIAL_LEVELS and establishment.province_id != round.province_id:
        raise AwardError(
            _("This establishment lies in another province than the round's."),
            field="establishment",
        )
    if (
        round.level == Level.REGION
        and not Region.objects.filter(
            pk=round.region_id, provinces=establishment.province_id
        ).exists()
    ):
        raise AwardError(
            _("This establishment's province is not part of the round's region."),
            field="establishment",
        )
    if not may_manage(actor, round) and establishment.province_id != actor.province_id:
        raise AwardError(
            _("You may enter only establishments of your province."), field="establishment"
        )


@transaction.atomic
def create_entry(*, actor: Any, round: AwardRound, data: dict[str, Any]) -> AwardEntry:
    """Enter a product in an open round. ``data``: establishment, product (a registered
    product of the establishment, optional), product_name (defaults to the product's),
    group, description."""
    from khuyencong.registry.access import establishments_for

    try:
        current = AwardRound.objects.select_for_update().get(pk=round.pk)
    except AwardRound.DoesNotExist as exc:
        raise Http404 from exc
    if current.status != S.OPEN:
        raise WorkflowError(
            _("Entries are accepted only while the round is open (it is “%(status)s”).")
            % {"status": current.get_status_display()}
        )
    if not may_enter(actor, current):
        raise WorkflowError(_("You may not enter products in this round."))
    establishment_id = _pk(data.get("establishment"))
    if establishment_id in (None, ""):
        raise AwardError(_("Choose the establishment."), field="establishment")
    try:
        establishment = establishments_for(actor).get(pk=establishment_id)
    except (Establishment.DoesNotExist, ValueError, TypeError) as exc:
        raise AwardError(
            _("No establishment with this id in your scope."), field="establishment"
        ) from exc
    _check_entry_place(actor, current, establishment)
    product = None
    product_id = _pk(data.get("product"))
    if product_id not in (None, ""):
        try:
            product = Product.objects.get(pk=product_id, establishment=establishment)
        except (Product.DoesNotExist, ValueError, TypeError) as exc:
            raise AwardError(
                _("This product is not one of the establishment's products."), field="product"
            ) from exc
    name = clean_text(data.get("product_name"), "product_name", max_length=300)
    if not name:
        if product is None:
            raise AwardError(
                _("Name the product, or choose one of the establishment's products."),
                field="product_name",
            )
        name = product.name
    if product is None:
        # Named by hand: the registered product of that name, if any, so that the same
        # product is recognised across rounds and counted once.
        key = normalise(name)
        product = next(
            (p for p in establishment.products.order_by("id") if normalise(p.name) == key), None
        )
    group = data.get("group")
    if group not in ProductGroup.values:
        raise AwardError(_("Choose the product group."), field="group")
    entry = AwardEntry(
        round=current,
        establishment=establishment,
        product=product,
        product_name=name,
        search_name=normalise(name),
        group=group,
        description=clean_text(data.get("description"), "description", max_length=MAX_TEXT),
        province_id=establishment.province_id,
        commune_id=establishment.commune_id,
        created_by=actor,
    )
    twins = AwardEntry.objects.filter(round=current).filter(
        certificates.same_product_q(
            establishment_id=establishment.pk,
            product_id=product.pk if product else None,
            search_name=entry.search_name,
        )
    )
    if twins.exists():
        raise AwardError(
            _("This product is already entered in the round."),
            field="product" if product else "product_name",
        )
    entry.qualifying_entry = _lower_certificate(current, entry)
    set_history_actor(entry, actor)
    entry.save()
    return entry


@transaction.atomic
def withdraw_entry(*, actor: Any, entry: AwardEntry) -> None:
    """Take an entry out of an open round (a mistake, or the establishment withdraws)."""
    try:
        current = AwardEntry.objects.select_for_update().select_related("round").get(pk=entry.pk)
    except AwardEntry.DoesNotExist as exc:
        raise Http404 from exc
    round = current.round
    if round.status != S.OPEN:
        raise WorkflowError(_("Entries can be withdrawn only while the round is open."))
    allowed = may_manage(actor, round) or (
        may_enter(actor, round) and current.province_id == actor.province_id
    )
    if not allowed:
        raise WorkflowError(_("You may not withdraw this entry."))
    set_history_actor(current, actor)
    current.delete()


# --- score sheets -------------------------------------------------------------------------


@transaction.atomic
def record_score_sheet(
    *, actor: Any, entry: AwardEntry, judge: Any, points: Any, judge_user: Any = None
) -> ScoreSheet:
    """One judge's points for one entry, while the round is in scoring: every criteria group
    from 0 to its maximum, one sheet per judge and entry, no more judges in the round than
    the council has members."""
    try:
        round = rounds_for(actor, write=True).select_for_update().get(pk=entry.round_id)
    except AwardRound.DoesNotExist as exc:
        raise Http404 from exc
    if round.status != S.SCORING:
        raise WorkflowError(
            _(
                "Score sheets are recorded only while the council is scoring (the round is “%(status)s”)."
            )
            % {"status": round.get_status_display()}
        )
    name = clean_text(judge, "judge", max_length=200)
    if not name and judge_user is not None:
        name = judge_user.get_full_name() or judge_user.get_username()
    if not name:
        raise AwardError(_("Name the judge."), field="judge")
    key = normalise(name)
    cleaned, total = scoring.clean_points(round.criteria, points)
    if ScoreSheet.objects.filter(entry_id=entry.pk, judge_key=key).exists():
        raise AwardError(
            _("%(judge)s has already scored this product.") % {"judge": name}, field="judge"
        )
    judges = set(
        ScoreSheet.objects.filter(round=round).values_list("judge_key", flat=True).distinct()
    )
    if key not in judges and len(judges) >= round.council_size:
        raise AwardError(
            _(
                "The council has %(n)s members and %(n)s judges have already scored: check the judge's name."
            )
            % {"n": round.council_size},
            field="judge",
        )
    sheet = ScoreSheet(
        entry_id=entry.pk,
        round=round,
        judge=name,
        judge_key=key,
        judge_user=judge_user,
        points={code: str(value) for code, value in cleaned.items()},
        total=total,
        created_by=actor,
    )
    set_history_actor(sheet, actor)
    sheet.save()
    return sheet


@transaction.atomic
def delete_score_sheet(*, actor: Any, sheet: ScoreSheet) -> None:
    """Remove a sheet recorded by mistake, while the round is still in scoring (it is kept
    in the history)."""
    try:
        round = rounds_for(actor, write=True).select_for_update().get(pk=sheet.round_id)
    except AwardRound.DoesNotExist as exc:
        raise Http404 from exc
    if round.status != S.SCORING:
        raise WorkflowError(_("Score sheets can be removed only while the council is scoring."))
    set_history_actor(sheet, actor)
    sheet.delete()


# --- complaints ---------------------------------------------------------------------------


def clean_date(value: Any, field: str) -> datetime.date:
    if value in (None, ""):
        raise AwardError(_("Enter a date."), field=field)
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise AwardError(_("Enter a valid date."), field=field)
    return value


@transaction.atomic
def record_complaint(
    *,
    actor: Any,
    entry: AwardEntry,
    complainant: Any,
    text: Any,
    received_on: Any = None,
) -> AwardComplaint:
    """A complaint about a closed round's result, received within its complaint window
    (``complaint_days`` working days from the closing date)."""
    try:
        current = entries_for(actor, write=True).select_related("round").get(pk=entry.pk)
    except AwardEntry.DoesNotExist as exc:
        raise Http404 from exc
    round = current.round
    window = complaint_window(round)
    if window is None:
        raise WorkflowError(_("Complaints are received once the round has closed."))
    day = clean_date(received_on if received_on is not None else today(), "received_on")
    if day > today():
        raise AwardError(_("The date cannot be in the future."), field="received_on")
    first, last = window
    if day < first:
        raise AwardError(
            _("The results were issued on %(date)s: a complaint cannot be received before.")
            % {"date": first.strftime("%d/%m/%Y")},
            field="received_on",
        )
    if day > last:
        raise AwardError(
            _(
                "The complaint window (%(days)s working days) ended on %(date)s: "
                "the complaint cannot be received."
            )
            % {"days": round.complaint_days, "date": last.strftime("%d/%m/%Y")},
            field="received_on",
        )
    complaint = AwardComplaint(
        entry=current,
        round=round,
        province_id=current.province_id,
        commune_id=current.commune_id,
        complainant=clean_text(complainant, "complainant", max_length=200, required=True),
        text=clean_text(text, "text", max_length=MAX_TEXT, required=True),
        received_on=day,
        due_on=add_working_days(day, round.resolution_days),
        created_by=actor,
    )
    set_history_actor(complaint, actor)
    complaint.save()
    return complaint


# --- overview -----------------------------------------------------------------------------


def overview(user: Any, year: int) -> dict[str, Any]:
    """The overview page's figures: rounds open or scoring, products certified this year
    (in the user's scope), complaints overdue. Three queries."""
    from django.db.models import Count

    rounds = rounds_for(user).aggregate(
        open=Count("pk", filter=Q(status=S.OPEN)),
        scoring=Count("pk", filter=Q(status=S.SCORING)),
    )
    certified = (
        entries_for(user).filter(certified=True, issued_on__year=year).aggregate(n=Count("pk"))
    )["n"]
    overdue = (
        complaints_for(user)
        .filter(status=AwardComplaint.Status.OPEN, due_on__lt=today())
        .aggregate(n=Count("pk"))
    )["n"]
    return {**rounds, "certified": certified, "overdue": overdue, "year": year}
