"""Needs survey responses collected with KoboToolbox / ODK (KoBoCollect on a phone).

``build_xlsform`` writes the XLSForm a province uploads to KoboToolbox (the example in
``docs/kobo/needs-survey.xlsx`` is this form without extra questions); ``KoboImporter``
reads the data export of that form (XLSX or CSV, "XML values and headers", with or without
group names in the headers) into responses, exactly as the survey form would store them:
every row is checked first, errors are given by row and column, and the file is saved all
or nothing. A row whose ``_uuid`` was imported before is skipped, so the cumulative export
can be imported again after each round of collection.

Column mapping (the XLSForm's ``name`` → what it fills; docs/surveys.md has the table):
``_uuid`` submission key · ``commune_code`` 2025 commune code · ``establishment_name``,
``tax_code``, ``establishment_kind``, ``sector``, ``address``, ``representative``, ``phone``
the establishment (matched in the registry, else registered) · ``respondent``,
``survey_date``, ``notes`` · ``need1_category`` … ``need3_priority`` up to three needs
(category code, description, estimated cost and counterpart in đồng, priority 1–3) · the
campaign's extra questions by their key.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from khuyencong.core.exporting import workbook_bytes
from khuyencong.core.importing import Column, ErrorCollector, Importer, SourceRow
from khuyencong.core.text import normalise
from khuyencong.programmes.models import ActivityCategory
from khuyencong.registry.models import Establishment, Sector
from khuyencong.surveys import services
from khuyencong.surveys.models import SurveyCampaign, SurveyResponse

NEED_SLOTS = 3
NEED_FIELDS = (
    ("category", "Nội dung hỗ trợ", "select_one category"),
    ("description", "Mô tả nhu cầu", "text"),
    ("cost", "Kinh phí dự kiến (đồng)", "integer"),
    ("counterpart", "Vốn đối ứng có thể bố trí (đồng)", "integer"),
    ("priority", "Mức ưu tiên", "select_one priority"),
)
PRIORITY_WORDS = {
    "1": 1,
    "cao": 1,
    "high": 1,
    "2": 2,
    "trung binh": 2,
    "medium": 2,
    "3": 3,
    "thap": 3,
    "low": 3,
}


def base_columns() -> list[Column]:
    columns = [
        Column("uuid", "_uuid", required=True, aliases=("uuid", "instanceID", "meta/instanceID")),
        Column("commune_code", "Mã xã/phường (2025)", required=True, aliases=("commune_code",)),
        Column("establishment_name", "Tên cơ sở", required=True, aliases=("establishment_name",)),
        Column("tax_code", "Mã số thuế", aliases=("tax_code",)),
        Column("establishment_kind", "Loại hình", aliases=("establishment_kind", "kind")),
        Column("sector", "Ngành nghề", aliases=("sector",)),
        Column("address", "Địa chỉ", aliases=("address",)),
        Column("representative", "Người đại diện", aliases=("representative",)),
        Column("phone", "Điện thoại", aliases=("phone",)),
        Column("respondent", "Người trả lời", aliases=("respondent",)),
        Column(
            "survey_date",
            "Ngày khảo sát",
            aliases=("survey_date", "today"),
        ),
        Column("notes", "Ghi chú", aliases=("notes",)),
    ]
    for slot in range(1, NEED_SLOTS + 1):
        for key, label, _kind in NEED_FIELDS:
            name = f"need{slot}_{key}"
            required = slot == 1 and key in ("category", "description", "cost")
            columns.append(Column(name, f"{label} {slot}", required=required, aliases=(name,)))
    return columns


class KoboImporter(Importer):
    """Rows of a Kobo/ODK export → survey responses of one campaign."""

    max_rows = 5_000

    def __init__(self, *, actor: Any, campaign: SurveyCampaign) -> None:
        self.actor = actor
        self.campaign = campaign
        self.categories = set(
            ActivityCategory.objects.filter(active=True).values_list("code", flat=True)
        )
        self.columns = base_columns() + [
            Column(f"q_{q['key']}", q["label"], aliases=(q["key"],)) for q in campaign.questions
        ]

    def transform_header(self, header: str) -> str:
        # "establishment/establishment_name" (group names in the headers) → the field name.
        return (
            header.rsplit("/", 1)[-1]
            if "/" in header and not header.startswith("meta/")
            else header
        )

    def clean_row(self, row: SourceRow, errors: ErrorCollector) -> Any:
        uuid = row["uuid"].removeprefix("uuid:")
        try:
            key = services.clean_client_key(f"kobo:{uuid}" if uuid else "")
        except services.SurveyError as exc:
            errors.add(row, "uuid", exc.message)
            return None
        needs = []
        for slot in range(1, NEED_SLOTS + 1):
            category = row[f"need{slot}_category"]
            if not category and slot > 1:
                continue
            priority_text = row[f"need{slot}_priority"]
            priority = PRIORITY_WORDS.get(normalise(priority_text) if priority_text else "2")
            if priority is None:
                errors.add(
                    row,
                    f"need{slot}_priority",
                    _("The priority is 1 (high), 2 (medium) or 3 (low)."),
                )
                continue
            code = category.zfill(2) if category.isdigit() else category
            if code not in self.categories:
                errors.add(row, f"need{slot}_category", _("Unknown activity category code."))
                continue
            if not row[f"need{slot}_description"]:
                errors.add(row, f"need{slot}_description", _("Describe what is needed."))
                continue
            amounts = {}
            for name, column in (
                ("estimated_cost", "cost"),
                ("counterpart_capacity", "counterpart"),
            ):
                try:
                    amounts[name] = services.clean_amount(
                        row[f"need{slot}_{column}"], name, label=_("The amount")
                    )
                except services.SurveyError as exc:
                    errors.add(row, f"need{slot}_{column}", exc.message)
            if len(amounts) < 2:
                continue
            if amounts["estimated_cost"] <= 0:
                errors.add(row, f"need{slot}_cost", _("Give the estimated cost in đồng."))
                continue
            if amounts["counterpart_capacity"] > amounts["estimated_cost"]:
                errors.add(
                    row,
                    f"need{slot}_counterpart",
                    _("The counterpart is larger than the estimated cost."),
                )
                continue
            need = {
                "category": code,
                "description": row[f"need{slot}_description"],
                "priority": priority,
                **amounts,
            }
            needs.append(need)
        survey_date = _date(row.raw.get("survey_date"), row["survey_date"])
        if row["survey_date"] and survey_date is None:
            errors.add(row, "survey_date", _("Enter a date (dd/mm/yyyy or yyyy-mm-dd)."))
        answers = {
            q["key"]: row[f"q_{q['key']}"] for q in self.campaign.questions if row[f"q_{q['key']}"]
        }
        try:
            services.clean_answers(self.campaign, answers)
        except services.SurveyError as exc:
            errors.add(row, "notes", exc.message)
        kind = _kind(row["establishment_kind"])
        if row["establishment_kind"] and kind is None:
            errors.add(
                row,
                "establishment_kind",
                _("Unknown kind: use enterprise, cooperative, cooperative_group or household."),
            )
        return {
            "client_key": key,
            "commune": row["commune_code"].zfill(5)
            if row["commune_code"].isdigit()
            else row["commune_code"],
            "establishment_details": {
                "name": row["establishment_name"],
                "tax_code": row["tax_code"],
                "kind": kind or "",
                "sector": row["sector"],
                "address": row["address"],
                "representative": row["representative"],
                "phone": row["phone"],
            },
            "respondent": row["respondent"],
            "collected_on": survey_date,
            "notes": row["notes"],
            "answers": answers,
            "needs": needs,
        }

    def check_rows(self, cleaned: list[tuple[SourceRow, Any]], errors: ErrorCollector) -> None:
        seen: dict[str, int] = {}
        for row, item in cleaned:
            if item["client_key"] in seen:
                errors.add(
                    row,
                    "uuid",
                    _("The same submission as row %(row)s.") % {"row": seen[item["client_key"]]},
                )
            seen[item["client_key"]] = row.number
        self.already = set(
            SurveyResponse.objects.filter(client_key__in=list(seen)).values_list(
                "client_key", flat=True
            )
        )
        # Dry run of every new row inside a savepoint that is rolled back: the registry's and
        # the services' own rules report here, by row, before anything is kept.
        from django.db import transaction

        for row, item in cleaned:
            if item["client_key"] in self.already:
                continue
            try:
                with transaction.atomic():
                    services.submit_response(
                        actor=self.actor, campaign=self.campaign, data=item, source="kobo"
                    )
                    raise _DryRun
            except _DryRun:
                pass
            except services.SurveyError as exc:
                errors.add(
                    row, _COLUMN_OF_FIELD.get(exc.field or "", "establishment_name"), exc.message
                )

    def save(self, cleaned: list[tuple[SourceRow, Any]]) -> dict[str, Any]:
        created = skipped = 0
        for _row, item in cleaned:
            if item["client_key"] in self.already:
                skipped += 1
                continue
            _response, new = services.submit_response(
                actor=self.actor, campaign=self.campaign, data=item, source="kobo"
            )
            created += new
        return {"created": created, "skipped": skipped}


class _DryRun(Exception):
    pass


_COLUMN_OF_FIELD = {
    "commune": "commune_code",
    "establishment_name": "establishment_name",
    "establishment": "establishment_name",
    "tax_code": "tax_code",
    "establishment_kind": "establishment_kind",
    "sector": "sector",
    "address": "address",
    "representative": "representative",
    "phone": "phone",
    "respondent": "respondent",
    "notes": "notes",
    "collected_on": "survey_date",
    "needs": "need1_category",
    "answers": "notes",
    "client_key": "uuid",
}


def _kind(text: str) -> str | None:
    if not text:
        return None
    word = normalise(text).replace(" ", "_")
    if word in Establishment.Kind.values:
        return word
    by_label = {
        normalise(str(label)).replace(" ", "_"): value
        for value, label in Establishment.Kind.choices
    }
    aliases = {
        "doanh_nghiep": "enterprise",
        "hop_tac_xa": "cooperative",
        "to_hop_tac": "cooperative_group",
        "ho_kinh_doanh": "household",
    }
    return by_label.get(word) or aliases.get(word)


def _date(raw: Any, text: str) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007  (a date)
    except ValueError:
        return None


# --- the XLSForm ------------------------------------------------------------------------------


def build_xlsform(campaign: SurveyCampaign | None = None) -> bytes:
    """The XLSForm of the needs survey (survey, choices and settings sheets), with the
    campaign's extra questions when one is given. Upload it to KoboToolbox as a new form."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required", "constraint", "relevant", "appearance"])
    rows = [
        ["start", "start", "", "", "", "", ""],
        ["today", "survey_date", "Ngày khảo sát", "", "", "", ""],
        ["begin_group", "establishment", "Cơ sở", "", "", "", "field-list"],
        [
            "text",
            "commune_code",
            "Mã xã/phường (2025, 5 chữ số)",
            "yes",
            "regex(., '^[0-9]{5}$')",
            "",
            "",
        ],
        ["text", "establishment_name", "Tên cơ sở", "yes", "", "", ""],
        [
            "text",
            "tax_code",
            "Mã số thuế (nếu có)",
            "",
            "regex(., '^[0-9]{10}([0-9]{2,3})?(-[0-9]{3})?$')",
            "",
            "",
        ],
        ["select_one kind", "establishment_kind", "Loại hình", "yes", "", "", ""],
        ["select_one sector", "sector", "Ngành nghề", "yes", "", "", ""],
        ["text", "address", "Địa chỉ", "", "", "", ""],
        ["text", "representative", "Người đại diện", "", "", "", ""],
        ["text", "phone", "Điện thoại", "", "", "", "numbers"],
        ["text", "respondent", "Người trả lời", "", "", "", ""],
        ["end_group", "", "", "", "", "", ""],
    ]
    for slot in range(1, NEED_SLOTS + 1):
        relevant = "" if slot == 1 else f"${{more_needs{slot - 1}}} = 'yes'"
        rows.append(
            ["begin_group", f"need{slot}", f"Nhu cầu {slot}", "", "", relevant, "field-list"]
        )
        for key, label, kind in NEED_FIELDS:
            required = "yes" if key in ("category", "description", "cost") else ""
            constraint = ". > 0" if key == "cost" else (". >= 0" if key == "counterpart" else "")
            rows.append([kind, f"need{slot}_{key}", label, required, constraint, "", ""])
        if slot < NEED_SLOTS:
            rows.append(
                ["select_one yes_no", f"more_needs{slot}", "Còn nhu cầu khác?", "", "", "", ""]
            )
        rows.append(["end_group", "", "", "", "", "", ""])
    for question in campaign.questions if campaign else []:
        kind = {"number": "decimal", "yes_no": "select_one yes_no"}.get(question["kind"], "text")
        rows.append([kind, question["key"], question["label"], "", "", "", ""])
    rows.append(["text", "notes", "Ghi chú", "", "", "", "multiline"])
    for row in rows:
        survey.append(row)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for value, kind_label in Establishment.Kind.choices:
        choices.append(["kind", value, _vi(kind_label)])
    for sector in Sector.objects.order_by("ordering", "code"):
        choices.append(["sector", sector.code, sector.name])
    for category in ActivityCategory.objects.filter(active=True).order_by("ordering", "code"):
        choices.append(["category", category.code, category.name])
    for value, label in (("1", "Cao"), ("2", "Trung bình"), ("3", "Thấp")):
        choices.append(["priority", value, label])
    choices.append(["yes_no", "yes", "Có"])
    choices.append(["yes_no", "no", "Không"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    title = f"{campaign.title} ({campaign.year})" if campaign else "Khảo sát nhu cầu khuyến công"
    settings.append(
        [title, f"kc_needs_{campaign.pk}" if campaign else "kc_needs", "1", "Vietnamese (vi)"]
    )
    for sheet in (survey, choices, settings):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    # Labels typed by people (campaign questions, sector names) may start with "=": they are
    # written as text cells, exactly as typed, so KoboToolbox reads the same label and Excel
    # runs nothing. The form's own expressions (${…}, regex(…), ". > 0") are untouched.
    return workbook_bytes(book)


def _vi(label: Any) -> str:
    from django.utils import translation

    with translation.override("vi"):
        return str(label)
