"""Business rules of needs surveys, needs and public applications (STYLE.md 2).

Pages, the API, the Kobo import and the public site all call these functions; they check
scope, validate, and save. Responses are stored exactly once per ``client_key``; needs keep
the link to the project they became; applications are triaged into the registry by their
workflow (surveys/workflow.py).
"""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core import dataversions
from khuyencong.core.errors import WorkflowError
from khuyencong.core.formats import percent
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.core.scoping import can_write_place
from khuyencong.places.models import Commune
from khuyencong.programmes import services as programme_services
from khuyencong.programmes.models import ActivityCategory, Project
from khuyencong.registry import access as registry_access
from khuyencong.registry import services as registry
from khuyencong.registry.models import Establishment, Sector, YearlyFigure
from khuyencong.registry.validators import normalise_tax_code, validate_tax_code
from khuyencong.surveys.access import (
    campaigns_for,
    may_manage_campaigns,
    may_plan,
    needs_for,
    responses_for,
)
from khuyencong.surveys.errors import SurveyError
from khuyencong.surveys.models import Application, Need, Priority, SurveyCampaign, SurveyResponse

S = Project.Status
# A need counts as planned once its project is approved, and as met once it is accepted.
PLANNED_STATES = tuple(programme_services.PLANNED_STATES)
MET_STATES = (S.ACCEPTED, S.SETTLED)
MAX_AMOUNT = programme_services.MAX_AMOUNT
MAX_NEEDS = 10
QUESTION_KINDS = ("text", "number", "yes_no")
_AMOUNT_TEXT = re.compile(r"^(\d+|\d{1,3}(\.\d{3})+|\d{1,3}(,\d{3})+)$")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.\-]{0,63}$")
_QUESTION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Markup in a text sent from outside: refused, so it can never be shown as HTML anywhere.
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|javascript:|&#|&[a-z]+;", re.IGNORECASE)
_TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
TRACKING_PREFIX = "KC"


# --- scope: surveys/access.py ----------------------------------------------------------------


# --- small checks ----------------------------------------------------------------------------


def check_plain_text(value: str, field: str) -> str:
    """Text from outside must not carry markup (it is escaped everywhere anyway)."""
    if value and _MARKUP.search(value):
        raise SurveyError(
            _("Write plain text here: “<”, “&#” and web addresses with scripts are not accepted."),
            field=field,
        )
    return value.strip()


def clean_amount(value: Any, field: str, *, label: str) -> int:
    """An amount of money in đồng: a whole number between 0 and the global maximum."""
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        raise SurveyError(
            _("%(label)s must be a whole number of đồng.") % {"label": label}, field=field
        )
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        # Whole đồng, grouped by thousands or not: "1.500.000", "1,500,000", "1500000".
        if not _AMOUNT_TEXT.match(text):
            raise SurveyError(
                _("%(label)s must be a whole number of đồng.") % {"label": label}, field=field
            )
        value = int(text.replace(".", "").replace(",", ""))
    if isinstance(value, float):
        if not value.is_integer():
            raise SurveyError(
                _("%(label)s must be a whole number of đồng.") % {"label": label}, field=field
            )
        value = int(value)
    if not isinstance(value, int):
        raise SurveyError(
            _("%(label)s must be a whole number of đồng.") % {"label": label}, field=field
        )
    if value < 0 or value > MAX_AMOUNT:
        raise SurveyError(
            _("%(label)s must be between 0 and 1.000.000 tỷ đồng.") % {"label": label}, field=field
        )
    return value


def clean_client_key(value: Any) -> str:
    key = str(value or "").strip()
    if not _KEY.match(key):
        raise SurveyError(
            _("The submission key must be 1 to 64 letters, digits, “-”, “_”, “:” or “.”."),
            field="client_key",
        )
    return key


# --- campaigns ---------------------------------------------------------------------------------


def clean_questions(questions: Any) -> list[dict[str, str]]:
    if questions in (None, ""):
        return []
    if not isinstance(questions, list) or len(questions) > 30:
        raise SurveyError(_("Give at most 30 extra questions."), field="questions")
    cleaned, keys = [], set()
    for number, question in enumerate(questions, start=1):
        if not isinstance(question, dict):
            raise SurveyError(
                _("Question %(n)s: give a key, a label and a kind.") % {"n": number},
                field="questions",
            )
        key = str(question.get("key", "")).strip()
        label = check_plain_text(str(question.get("label", "")), "questions")
        kind = str(question.get("kind", "text")).strip()
        if not _QUESTION_KEY.match(key) or key in keys:
            raise SurveyError(
                _(
                    "Question %(n)s: the key must be unique, start with a letter and hold only "
                    "lower-case letters, digits and “_”."
                )
                % {"n": number},
                field="questions",
            )
        if not label or len(label) > 300:
            raise SurveyError(
                _("Question %(n)s: give a label of at most 300 characters.") % {"n": number},
                field="questions",
            )
        if kind not in QUESTION_KINDS:
            raise SurveyError(
                _("Question %(n)s: the kind must be text, number or yes_no.") % {"n": number},
                field="questions",
            )
        keys.add(key)
        cleaned.append({"key": key, "label": label, "kind": kind})
    return cleaned


def _check_campaign(actor: Any, campaign: SurveyCampaign) -> None:
    if not may_manage_campaigns(actor) or not can_write_place(
        actor, province_id=campaign.province_id, commune_id=None
    ):
        raise SurveyError(_("You may not run surveys in this province."), field="province")
    campaign.title = check_plain_text(campaign.title or "", "title")
    if not campaign.title:
        raise SurveyError(_("Give the campaign a title."), field="title")
    if not 2000 <= (campaign.year or 0) <= 2100:
        raise SurveyError(_("Enter a year between 2000 and 2100."), field="year")
    if campaign.opens_on and campaign.closes_on and campaign.closes_on < campaign.opens_on:
        raise SurveyError(_("The campaign closes before it opens."), field="closes_on")
    campaign.questions = clean_questions(campaign.questions)


CAMPAIGN_FIELDS = ("province", "year", "title", "opens_on", "closes_on", "questions")


@transaction.atomic
def create_campaign(*, actor: Any, data: dict[str, Any]) -> SurveyCampaign:
    campaign = SurveyCampaign(created_by=actor)
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    _check_campaign(actor, campaign)
    campaign.save()
    return campaign


@transaction.atomic
def update_campaign(
    *, actor: Any, campaign: SurveyCampaign, data: dict[str, Any], expected_version: int | None
) -> SurveyCampaign:
    current = lock_current(campaigns_for(actor, write=True), campaign.pk, expected_version)
    for name in CAMPAIGN_FIELDS:
        if name in data and name != "province":
            setattr(current, name, data[name])
    _check_campaign(actor, current)
    current.version += 1
    current.save()
    return current


# --- responses -----------------------------------------------------------------------------


def clean_answers(campaign: SurveyCampaign, answers: Any) -> dict[str, Any]:
    """The answers to the campaign's extra questions, typed by their kind."""
    if answers in (None, ""):
        answers = {}
    if not isinstance(answers, dict):
        raise SurveyError(_("Answers must be given by question key."), field="answers")
    cleaned: dict[str, Any] = {}
    known = {q["key"]: q for q in campaign.questions}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise SurveyError(
            _("This campaign has no question “%(key)s”.") % {"key": unknown[0]}, field="answers"
        )
    for key, question in known.items():
        value = answers.get(key)
        if value in (None, ""):
            continue
        if question["kind"] == "number":
            try:
                number = float(str(value).replace(",", "."))
            except ValueError:
                raise SurveyError(
                    _("“%(label)s” must be a number.") % {"label": question["label"]},
                    field="answers",
                ) from None
            cleaned[key] = int(number) if number.is_integer() else number
        elif question["kind"] == "yes_no":
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "co", "có", "x"):
                cleaned[key] = True
            elif text in ("0", "false", "no", "khong", "không"):
                cleaned[key] = False
            else:
                raise SurveyError(
                    _("“%(label)s” must be yes or no.") % {"label": question["label"]},
                    field="answers",
                )
        else:
            cleaned[key] = check_plain_text(str(value), "answers")[:2000]
    return cleaned


def clean_needs(raw: Any, *, at_least_one: bool = True) -> list[dict[str, Any]]:
    """Needs as sent: ``[{"category", "description", "estimated_cost",
    "counterpart_capacity", "priority"}]``. Messages name the need by its number."""
    if raw in (None, ""):
        raw = []
    if not isinstance(raw, list):
        raise SurveyError(_("Give the needs as a list."), field="needs")
    if at_least_one and not raw:
        raise SurveyError(_("Record at least one need."), field="needs")
    if len(raw) > MAX_NEEDS:
        raise SurveyError(
            _("Record at most %(max)s needs per response.") % {"max": MAX_NEEDS}, field="needs"
        )
    categories = {c.pk: c for c in ActivityCategory.objects.filter(active=True)}
    cleaned = []
    for number, need in enumerate(raw, start=1):
        prefix = _("Need %(n)s") % {"n": number}
        if not isinstance(need, dict):
            raise SurveyError(_("%(need)s: give its fields.") % {"need": prefix}, field="needs")
        code = str(need.get("category") or "").strip()
        if code not in categories:
            raise SurveyError(
                _("%(need)s: choose an activity category.") % {"need": prefix}, field="needs"
            )
        description = check_plain_text(str(need.get("description") or ""), "needs")
        if not description:
            raise SurveyError(
                _("%(need)s: describe what is needed.") % {"need": prefix}, field="needs"
            )
        if len(description) > 4000:
            raise SurveyError(
                _("%(need)s: the description is longer than 4000 characters.") % {"need": prefix},
                field="needs",
            )
        cost = clean_amount(
            need.get("estimated_cost"),
            "needs",
            label=_("%(need)s: estimated cost") % {"need": prefix},
        )
        if cost <= 0:
            raise SurveyError(
                _("%(need)s: give the estimated cost in đồng.") % {"need": prefix}, field="needs"
            )
        counterpart = clean_amount(
            need.get("counterpart_capacity"),
            "needs",
            label=_("%(need)s: counterpart") % {"need": prefix},
        )
        if counterpart > cost:
            raise SurveyError(
                _("%(need)s: the counterpart is larger than the estimated cost.")
                % {"need": prefix},
                field="needs",
            )
        priority = need.get("priority") or Priority.MEDIUM
        try:
            priority = int(priority)
        except (TypeError, ValueError):
            priority = 0
        if priority not in Priority.values:
            raise SurveyError(
                _("%(need)s: the priority is 1 (high), 2 (medium) or 3 (low).") % {"need": prefix},
                field="needs",
            )
        cleaned.append(
            {
                "category": categories[code],
                "description": description,
                "estimated_cost": cost,
                "counterpart_capacity": counterpart,
                "priority": priority,
            }
        )
    return cleaned


ESTABLISHMENT_FIELDS = ("name", "kind", "tax_code", "sector", "address", "representative", "phone")


def resolve_establishment(
    *, actor: Any, commune: Commune, establishment_id: Any = None, details: dict[str, Any]
) -> tuple[Establishment, bool]:
    """The registry establishment a response or an application is about: the one chosen,
    else the one with the same tax code or the same name in the commune, else a new one.
    Returns ``(establishment, created)``. A match the actor may not see is refused."""
    if establishment_id not in (None, ""):
        found = (
            registry_access.establishments_for(actor, write=True)
            .filter(pk=establishment_id if str(establishment_id).isdigit() else -1)
            .first()
        )
        if found is None:
            raise SurveyError(_("No such establishment in your area."), field="establishment")
        return found, False
    name = check_plain_text(str(details.get("name") or ""), "establishment_name")
    if not name:
        raise SurveyError(_("Give the establishment's name."), field="establishment_name")
    tax_code = str(details.get("tax_code") or "").strip()
    if tax_code:
        try:
            validate_tax_code(tax_code)
        except ValidationError as exc:
            raise SurveyError(" ".join(exc.messages), field="tax_code") from None
        tax_code = normalise_tax_code(tax_code)
    duplicates = registry.find_duplicates(
        name=name, commune_id=commune.pk, tax_code=tax_code or None
    )
    visible = registry_access.establishments_for(actor).filter(
        pk__in=[d.establishment.pk for d in duplicates]
    )
    by_tax = [
        d.establishment for d in duplicates if tax_code and d.establishment.tax_code == tax_code
    ]
    if by_tax:
        match = visible.filter(pk=by_tax[0].pk).first()
        if match is None:
            raise SurveyError(
                _(
                    "An establishment with this tax code is registered in another area: "
                    "check the tax code."
                ),
                field="tax_code",
            )
        return match, False
    same_name = list(visible.filter(commune=commune))
    if len(same_name) == 1:
        return same_name[0], False
    if len(same_name) > 1:
        raise SurveyError(
            _(
                "Several establishments of this name are registered in this commune: "
                "choose one, or give its tax code."
            ),
            field="establishment_name",
        )
    kind = str(details.get("kind") or "").strip()
    if kind not in Establishment.Kind.values:
        raise SurveyError(
            _("Choose the kind of establishment to register it."), field="establishment_kind"
        )
    sector = Sector.objects.filter(pk=str(details.get("sector") or "").strip()).first()
    if sector is None:
        raise SurveyError(_("Choose the sector to register the establishment."), field="sector")
    data = {
        "name": name,
        "kind": kind,
        "tax_code": tax_code,
        "sector": sector,
        "commune": commune,
        "address": check_plain_text(str(details.get("address") or ""), "address")[:300],
        "representative": check_plain_text(
            str(details.get("representative") or ""), "representative"
        )[:200],
        "phone": check_plain_text(str(details.get("phone") or ""), "phone")[:20],
    }
    try:
        created = registry.create_establishment(actor=actor, data=data)
    except registry.RegistryError as exc:
        raise SurveyError(exc.message, field=exc.field or "establishment_name") from None
    return created, True


def _commune_for(actor: Any, campaign: SurveyCampaign, commune: Any) -> Commune:
    code = getattr(commune, "pk", commune)
    found = Commune.objects.filter(pk=str(code or "")).first()
    if found is None:
        raise SurveyError(_("Choose a commune."), field="commune")
    if found.province_id != campaign.province_id:
        raise SurveyError(_("This commune lies outside the campaign's province."), field="commune")
    if not can_write_place(actor, province_id=found.province_id, commune_id=found.pk):
        raise SurveyError(_("You may not survey this commune."), field="commune")
    return found


def submit_response(
    *, actor: Any, campaign: SurveyCampaign, data: dict[str, Any], source: str = "form"
) -> tuple[SurveyResponse, bool]:
    """Store a response and its needs, exactly once per ``client_key``.

    Returns ``(response, created)``: a response sent again with a key already stored
    (a retry after a lost answer) returns the stored one and changes nothing.
    """
    key = clean_client_key(data.get("client_key"))
    existing = _existing(actor, key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return _create_response(actor, campaign, data, key, source), True
    except IntegrityError:
        # The same key arrived twice at once: the other request stored it.
        existing = _existing(actor, key)
        if existing is None:
            raise
        return existing, False


def _existing(actor: Any, key: str) -> SurveyResponse | None:
    stored = SurveyResponse.objects.filter(client_key=key).first()
    if stored is None:
        return None
    if not responses_for(actor).filter(pk=stored.pk).exists():
        raise SurveyError(_("This submission key is already used."), field="client_key")
    return stored


def _create_response(
    actor: Any, campaign: SurveyCampaign, data: dict[str, Any], key: str, source: str
) -> SurveyResponse:
    if not campaigns_for(actor).filter(pk=campaign.pk).exists():
        raise SurveyError(_("No such campaign in your area."), field="campaign")
    commune = _commune_for(actor, campaign, data.get("commune"))
    collected_on = data.get("collected_on") or timezone.localdate()
    if isinstance(collected_on, str):
        try:
            collected_on = datetime.date.fromisoformat(collected_on)
        except ValueError:
            raise SurveyError(_("Enter a valid date."), field="collected_on") from None
    if collected_on > timezone.localdate() + datetime.timedelta(days=1):
        raise SurveyError(_("The survey date is in the future."), field="collected_on")
    answers = clean_answers(campaign, data.get("answers"))
    needs = clean_needs(data.get("needs"))
    figures = clean_previous_year_figures(data)
    respondent = check_plain_text(str(data.get("respondent") or ""), "respondent")[:200]
    phone = check_plain_text(str(data.get("phone") or ""), "phone")[:20]
    notes = check_plain_text(str(data.get("notes") or ""), "notes")[:4000]
    establishment, created = resolve_establishment(
        actor=actor,
        commune=commune,
        establishment_id=data.get("establishment"),
        details=data.get("establishment_details") or {},
    )
    if establishment.province_id != campaign.province_id:
        raise SurveyError(
            _("This establishment lies outside the campaign's province."), field="establishment"
        )
    response = SurveyResponse(
        campaign=campaign,
        province_id=campaign.province_id,
        commune=establishment.commune,
        establishment=establishment,
        respondent=respondent,
        phone=phone,
        answers=answers,
        notes=notes,
        collected_on=collected_on,
        collected_by=actor if actor.is_authenticated else None,
        source=source,
        client_key=key,
        establishment_created=created,
    )
    set_history_actor(response, actor)
    response.save()
    created_needs = Need.objects.bulk_create(
        Need(
            response=response,
            province_id=campaign.province_id,
            commune=establishment.commune,
            establishment=establishment,
            sector_id=establishment.sector_id,
            year=campaign.year,
            **need,
        )
        for need in needs
    )
    dataversions.changed(Need, created_needs)  # no save signals (cached report figures)
    if figures:
        # The establishment's figures of the year before the survey, recorded with their
        # source and history; the other figures of that year are kept.
        registry.record_yearly_figure(
            actor=actor,
            establishment=establishment,
            data={"year": collected_on.year - 1, **figures},
            source=YearlyFigure.Source.SURVEY,
            replace=False,
        )
    return response


FIGURE_INPUTS = {"previous_year_workers": "workers", "previous_year_revenue": "revenue"}


def clean_previous_year_figures(data: dict[str, Any]) -> dict[str, int]:
    """The establishment's workers and revenue of the year before the survey, both optional:
    whole numbers of zero or more (revenue in đồng). Returns the figures given, by the
    registry's names."""
    figures: dict[str, int] = {}
    for field, name in FIGURE_INPUTS.items():
        value = data.get(field)
        if value in (None, ""):
            continue
        if name == "revenue":
            figures[name] = clean_amount(value, field, label=_("Revenue of the previous year"))
            continue
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= registry.MAX_WORKERS
        ):
            raise SurveyError(_("Enter a whole number of workers, zero or more."), field=field)
        figures[name] = value
    return figures


# --- needs, their summary, and projects ------------------------------------------------------


def _totals() -> dict[str, Any]:
    return {
        "needs": Count("pk"),
        "establishments": Count("establishment", distinct=True),
        "cost": Sum("estimated_cost"),
        "counterpart": Sum("counterpart_capacity"),
        "planned": Count("pk", filter=Q(project__status__in=PLANNED_STATES)),
        "planned_cost": Sum("estimated_cost", filter=Q(project__status__in=PLANNED_STATES)),
        "met": Count("pk", filter=Q(project__status__in=MET_STATES)),
        "met_cost": Sum("estimated_cost", filter=Q(project__status__in=MET_STATES)),
        "drafted": Count("pk", filter=Q(project__isnull=False) & ~Q(project__status=S.CANCELLED)),
    }


def _percent(part: int | None, whole: int | None) -> float | None:
    return percent(part or 0, whole)


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("cost", "counterpart", "planned_cost", "met_cost"):
        row[key] = row.get(key) or 0
    row["planned_percent"] = _percent(row["planned"], row["needs"])
    row["met_percent"] = _percent(row["met"], row["needs"])
    row["met_cost_percent"] = _percent(row["met_cost"], row["cost"])
    return row


SUMMARY_GROUPS = ("commune", "sector", "category")
# The model each group's key names (its rows are shown by their name).
GROUP_MODELS: dict[str, type[Commune | Sector | ActivityCategory]] = {
    "commune": Commune,
    "sector": Sector,
    "category": ActivityCategory,
}


def needs_summary(
    needs: QuerySet[Need], by: str, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Needs grouped by commune, sector or activity category: count, establishments,
    estimated cost, counterpart, and how many were planned and met (largest cost first,
    ``limit`` groups at most). Two queries: the groups, then the names of those shown."""
    key = by if by in SUMMARY_GROUPS else "category"
    rows = list(needs.values(key).annotate(**_totals()).order_by("-cost", key)[:limit])
    model = GROUP_MODELS[key]
    names = dict(
        model._default_manager.filter(pk__in=[row[key] for row in rows]).values_list("pk", "name")
    )
    return [
        _finish({**row, "key": row[key], "label": names.get(row[key], row[key])}) for row in rows
    ]


def met_share(needs: QuerySet[Need]) -> dict[str, Any]:
    """What share of the needs became approved projects (planned) and accepted ones (met),
    by count and by estimated cost. One query."""
    return _finish(needs.aggregate(**_totals()))


def met_count(needs: QuerySet[Need]) -> dict[str, Any]:
    """``{"needs", "met", "met_percent"}``: ``met_share``'s count and share of the needs met,
    without its sums and distinct establishments (the period reports read only these). One
    query."""
    row = needs.aggregate(needs=Count("pk"), met=_totals()["met"])
    return {**row, "met_percent": _percent(row["met"], row["needs"])}


@transaction.atomic
def needs_to_project(
    *,
    actor: Any,
    need_ids: list[int],
    year: int,
    funding_level: str,
    title: str = "",
) -> Project:
    """Turn needs of one province and one activity category into one draft project,
    pre-filled (category, commune, beneficiaries, budget from costs and counterparts,
    objectives from the descriptions), and link each need to it."""
    if not may_plan(actor):
        raise WorkflowError(_("Only the provincial manager turns needs into projects."))
    ids = sorted({int(pk) for pk in need_ids if str(pk).isdigit()})
    if not ids:
        raise SurveyError(_("Select at least one need."), field="needs")
    needs = list(
        needs_for(actor, write=True)
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("category", "commune", "establishment", "project")
        .order_by("pk")
    )
    if len(needs) != len(ids):
        raise SurveyError(_("Some of the selected needs do not exist in your area."), field="needs")
    taken = [n for n in needs if n.project is not None and n.project.status != S.CANCELLED]
    if taken:
        first_taken = taken[0]
        raise WorkflowError(
            _("The need of “%(name)s” is already in project %(code)s.")
            % {
                "name": first_taken.establishment.name,
                "code": first_taken.project.code if first_taken.project else "",
            }
        )
    if len({n.province_id for n in needs}) > 1:
        raise SurveyError(_("Select needs of one province."), field="needs")
    if len({n.category_id for n in needs}) > 1:
        raise SurveyError(
            _("Select needs of one activity category: a project carries one content."),
            field="needs",
        )
    first = needs[0]
    communes = {n.commune_id for n in needs}
    establishments = list(dict.fromkeys(n.establishment_id for n in needs))
    counterpart = sum(n.counterpart_capacity for n in needs)
    state = sum(max(n.estimated_cost - n.counterpart_capacity, 0) for n in needs)
    place = first.commune.name if len(communes) == 1 else first.province.name
    title = check_plain_text(title or "", "title") or (
        _("%(category)s: %(count)s establishments in %(place)s")
        % {"category": first.category.name, "count": len(establishments), "place": place}
        if len(establishments) > 1
        else _("%(category)s: %(name)s")
        % {"category": first.category.name, "name": first.establishment.name}
    )
    budget = [{"source": funding_level, "amount": state}] if state else []
    if counterpart:
        budget.append({"source": "counterpart", "amount": counterpart})
    project = programme_services.create_project(
        actor=actor,
        data={
            "province": first.province_id,
            "year": year,
            "funding_level": funding_level,
            "title": title[:300],
            "category": first.category,
            "commune": first.commune if len(communes) == 1 else None,
            "implementer": _("Khuyến công centre of %(province)s")
            % {"province": first.province.name},
            "need": "\n".join(f"- {n.establishment.name}: {n.description}" for n in needs)[:4000],
            "beneficiaries": establishments,
            "budget_lines": budget,
        },
    )
    linked = Need.objects.filter(pk__in=ids)
    dataversions.changed_rows(linked)  # no save signals (cached report figures)
    linked.update(project=project)
    return project


# --- public applications -----------------------------------------------------------------------


def new_tracking_code() -> str:
    body = "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(8))
    return f"{TRACKING_PREFIX}-{body[:4]}-{body[4:]}"


def normalise_tracking_code(text: str) -> str:
    compact = re.sub(r"[^A-Z0-9]", "", (text or "").upper())
    if compact.startswith(TRACKING_PREFIX):
        compact = compact[len(TRACKING_PREFIX) :]
    if len(compact) != 8:
        return ""
    return f"{TRACKING_PREFIX}-{compact[:4]}-{compact[4:]}"


def find_application(code: str) -> Application | None:
    normalised = normalise_tracking_code(code)
    if not normalised:
        return None
    return Application.objects.filter(tracking_code=normalised).select_related("province").first()


APPLICATION_TEXT = {
    "establishment_name": 300,
    "tax_code": 14,
    "address": 300,
    "representative": 200,
    "phone": 20,
    "email": 254,
    "description": 4000,
}
APPLICATION_REQUIRED = ("establishment_name", "representative", "phone", "description")
_PHONE = re.compile(r"^\+?[0-9 .\-]{8,20}$")


def submit_application(*, data: dict[str, Any], channel: str) -> Application:
    """Record an application sent without an account. Every field is checked and named in
    the message; nothing is stored unless all of it is valid."""
    values: dict[str, Any] = {}
    for field, limit in APPLICATION_TEXT.items():
        value = data.get(field)
        if value is not None and not isinstance(value, str | int):
            raise SurveyError(_("Enter text."), field=field)
        text = check_plain_text(str(value or ""), field)
        if len(text) > limit:
            raise SurveyError(_("At most %(max)s characters.") % {"max": limit}, field=field)
        if field in APPLICATION_REQUIRED and not text:
            raise SurveyError(_("This field is required."), field=field)
        values[field] = text
    if not _PHONE.match(values["phone"]):
        raise SurveyError(_("Enter a phone number of 8 to 20 digits."), field="phone")
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            raise SurveyError(_("Enter a valid email address."), field="email") from None
    if values["tax_code"]:
        try:
            validate_tax_code(values["tax_code"])
        except ValidationError as exc:
            raise SurveyError(" ".join(exc.messages), field="tax_code") from None
        values["tax_code"] = normalise_tax_code(values["tax_code"])
    commune = Commune.objects.filter(
        pk=str(getattr(data.get("commune"), "pk", data.get("commune")) or "")
    ).first()
    if commune is None:
        raise SurveyError(_("Choose the commune where the establishment works."), field="commune")
    kind = str(data.get("kind") or "")
    if kind not in Establishment.Kind.values:
        raise SurveyError(_("Choose the kind of establishment."), field="kind")
    sector = Sector.objects.filter(
        pk=str(getattr(data.get("sector"), "pk", data.get("sector")) or "")
    ).first()
    if sector is None:
        raise SurveyError(_("Choose the sector."), field="sector")
    category = ActivityCategory.objects.filter(
        pk=str(getattr(data.get("category"), "pk", data.get("category")) or ""), active=True
    ).first()
    if category is None:
        raise SurveyError(_("Choose the support you ask for."), field="category")
    cost = clean_amount(data.get("estimated_cost"), "estimated_cost", label=_("The estimated cost"))
    if cost <= 0:
        raise SurveyError(_("Give the estimated cost in đồng."), field="estimated_cost")
    counterpart = clean_amount(
        data.get("counterpart_capacity"), "counterpart_capacity", label=_("The counterpart")
    )
    if counterpart > cost:
        raise SurveyError(
            _("The counterpart is larger than the estimated cost."), field="counterpart_capacity"
        )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Application.objects.create(
                    tracking_code=new_tracking_code(),
                    channel=channel,
                    province_id=commune.province_id,
                    commune=commune,
                    kind=kind,
                    sector=sector,
                    category=category,
                    estimated_cost=cost,
                    counterpart_capacity=counterpart,
                    **values,
                )
        except IntegrityError:  # a tracking code drawn twice (1 in 10^12): draw again
            continue
    raise SurveyError(_("Please send the application again."), field="establishment_name")
