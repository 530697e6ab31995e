"""Import of a course's trainee list from a spreadsheet (docs/activities.md documents the
format), with ``core.importing``: every row is checked first, errors are reported by row and
column, and the list is replaced all or nothing through ``services.replace_trainees``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.activities import services
from khuyencong.activities.models import Trainee, TrainingCourse
from khuyencong.core.importing import Column, ErrorCollector, Importer, SourceRow
from khuyencong.core.text import normalise, normalise_name
from khuyencong.registry.models import Establishment

GENDERS = {
    "nam": Trainee.Gender.MALE,
    "male": Trainee.Gender.MALE,
    "m": Trainee.Gender.MALE,
    "nu": Trainee.Gender.FEMALE,
    "female": Trainee.Gender.FEMALE,
    "f": Trainee.Gender.FEMALE,
}
YES = {"co", "x", "1", "yes", "true", "dung"}
NO = {"khong", "0", "no", "false", "sai"}


class TraineeImporter(Importer):
    columns = (
        Column("name", "Họ và tên", required=True, example="Nguyễn Thị Lan", width=28,
               aliases=("Họ tên", "Tên học viên")),
        Column("gender", "Giới tính", accepted=gettext_lazy("Nam, Nữ"), example="Nữ"),
        Column("birth_year", "Năm sinh", example="1990"),
        Column("establishment", "Cơ sở", help=gettext_lazy(
            "Name or id of an establishment of the province, as in the registry."),
            example="Cơ sở dệt thổ cẩm H'Linh", width=32),
        Column("employed_after", "Có việc làm sau đào tạo",
               accepted=gettext_lazy("Có, Không, or empty when not known"), example="Có",
               aliases=("Có việc làm", "Việc làm")),
    )  # fmt: skip
    max_rows = services.MAX_TRAINEES

    def __init__(self, *, actor: Any, course: TrainingCourse) -> None:
        self.actor = actor
        self.course = course
        self._by_name: dict[str, int | None] | None = None

    def _establishment(self, text: str) -> int | bool | None:
        """The establishment's id, None for empty, False when unknown or ambiguous."""
        if not text:
            return None
        if text.isdigit():
            found = Establishment.objects.filter(pk=int(text), province_id=self.course.province_id)
            return int(text) if found.exists() else False
        if self._by_name is None:
            self._by_name = {}
            rows = Establishment.objects.filter(province_id=self.course.province_id).values_list(
                "pk", "name"
            )
            for pk, name in rows:
                key = normalise_name(name)
                # The same name twice in the province: ambiguous, ask for the id.
                self._by_name[key] = None if key in self._by_name else pk
        return self._by_name.get(normalise_name(text)) or False

    def clean_row(self, row: SourceRow, errors: ErrorCollector) -> dict[str, Any] | None:
        data: dict[str, Any] = {"name": row["name"]}
        if not row["name"]:
            errors.add(row, "name", _("Enter the trainee's name."))
        elif len(row["name"]) > 200:
            errors.add(row, "name", _("Write at most 200 characters."))
        gender = normalise(row["gender"])
        if gender and gender not in GENDERS:
            errors.add(row, "gender", _("Write Nam or Nữ."))
        data["gender"] = GENDERS.get(gender, "")
        year = row["birth_year"]
        if year:
            if not year.isdigit() or not 1900 <= int(year) <= 2100:
                errors.add(row, "birth_year", _("Write a year such as 1990."))
            else:
                data["birth_year"] = int(year)
        establishment = self._establishment(row["establishment"])
        if establishment is False:
            errors.add(
                row,
                "establishment",
                _("No single establishment of the province has this name or id."),
            )
        else:
            data["establishment"] = establishment
        employed = normalise(row["employed_after"])
        if employed in YES:
            data["employed_after"] = True
        elif employed in NO:
            data["employed_after"] = False
        elif employed:
            errors.add(row, "employed_after", _("Write Có or Không, or leave it empty."))
        else:
            data["employed_after"] = None
        return data

    def save(self, cleaned: list[tuple[SourceRow, Any]]) -> dict[str, Any]:
        trainees = services.replace_trainees(
            actor=self.actor, course=self.course, rows=[data for _row, data in cleaned]
        )
        return {"created": len(trainees)}
