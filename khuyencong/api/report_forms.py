"""``/api/v1/reports/forms/`` (API.md, "Official report forms"): the list of the official
forms and one form of a place and period, as JSON or a file.

Every place goes through ``reports.access.resolve_for``: a unit outside the caller's places
answers 404.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from khuyencong.api.permissions import WritingRole
from khuyencong.api.replica import ReplicaReadView
from khuyencong.api.report_summaries import (
    UNIT_PARAMETER,
    DocxRenderer,
    PdfRenderer,
    XlsxRenderer,
)
from khuyencong.api.schema import AutoSchema
from khuyencong.reports import access

# --- official report forms ---------------------------------------------------------------------

FORM_FILE_FORMATS = ("xlsx", "docx", "pdf")


def _form_columns() -> Any:
    return inline_serializer(
        "OfficialFormColumn",
        many=True,
        fields={
            "key": serializers.CharField(help_text="The key of the figure in each row."),
            "label": serializers.CharField(help_text="The heading as the form prints it."),
            "kind": serializers.ChoiceField(choices=["money", "count", "percent", "text"]),
            "group": serializers.CharField(help_text="A heading spanning neighbouring columns."),
        },
    )


OFFICIAL_FORM = inline_serializer(
    "OfficialForm",
    {
        "form": serializers.CharField(),
        "title": serializers.CharField(),
        "unit": serializers.CharField(),
        "unit_label": serializers.CharField(),
        "start": serializers.DateField(),
        "end": serializers.DateField(),
        "period_label": serializers.CharField(),
        "money_unit": serializers.CharField(
            help_text="How the form prints money; the figures are in đồng."
        ),
        "columns": _form_columns(),
        "rows": inline_serializer(
            "OfficialFormRow",
            many=True,
            fields={
                "no": serializers.CharField(),
                "code": serializers.CharField(
                    help_text="`training.vocational`, `01-NGHE`, `province.food`, a project "
                    "code, or `total`."
                ),
                "label": serializers.CharField(),
                "unit_label": serializers.CharField(),
                "level": serializers.IntegerField(),
                "note": serializers.CharField(),
                "kind": serializers.CharField(
                    help_text="`money` for a money row among counts, else empty."
                ),
                "national": serializers.FloatField(
                    required=False, allow_null=True, help_text="KCQG (results, funding)."
                ),
                "local": serializers.FloatField(
                    required=False, allow_null=True, help_text="KCĐP (results, funding)."
                ),
                "total": serializers.FloatField(required=False, allow_null=True),
            },
        ),
        "completeness": serializers.DictField(allow_null=True),
        "notes": serializers.ListField(child=serializers.CharField()),
    },
)


class FormListView(APIView):
    """The official periodic report forms a unit can be reported on."""

    schema = AutoSchema()
    permission_classes = [WritingRole]

    @extend_schema(
        tags=["reports"],
        responses=inline_serializer(
            "OfficialFormChoice",
            {"code": serializers.CharField(), "title": serializers.CharField()},
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        from khuyencong.reports.forms import FORMS

        return Response([{"code": code, "title": title} for code, title in FORMS.items()])


class FormView(ReplicaReadView):
    """One official report form for a place and a period, computed from the records (and
    from aggregate values for the days before a province's records start). With
    `format=xlsx`, `docx` or `pdf` the form comes as an administrative document."""

    schema = AutoSchema()
    permission_classes = [WritingRole]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``format`` names a file this view writes itself; answer errors in JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        tags=["reports"],
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                enum=["results", "funding", "awards", "projects"],
            ),
            UNIT_PARAMETER,
            OpenApiParameter("year", int, description="A calendar year (1990–2100)."),
            OpenApiParameter("months", int, description="With `year`: the first N months (6, 9…)."),
            OpenApiParameter("quarter", int, description="With `year`: a quarter, 1–4."),
            OpenApiParameter(
                "start", OpenApiTypes.DATE, description="Without `year`: the first day."
            ),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Without `year`: the last day."),
            OpenApiParameter(
                "format",
                str,
                enum=list(FORM_FILE_FORMATS),
                description="A file instead of JSON: `xlsx`, `docx` or `pdf`.",
            ),
            OpenApiParameter(
                "number",
                int,
                description="With a file: the document's number (1–9999999), printed as "
                "`Số: 15/BC-SCT`; left blank for the clerk when absent.",
            ),
            OpenApiParameter(
                "issued_on",
                OpenApiTypes.DATE,
                description="With a file: the date of the document (not before the period "
                "begins); today when absent.",
            ),
        ],
        responses={
            (200, "application/json"): OFFICIAL_FORM,
            (200, XlsxRenderer.media_type): OpenApiTypes.BINARY,
            (200, DocxRenderer.media_type): OpenApiTypes.BINARY,
            (200, PdfRenderer.media_type): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request, code: str) -> Any:
        from khuyencong.reports.forms import FORMS, FormError, build_form, period_from

        params = request.query_params
        if code not in FORMS:
            raise FormError(
                _("No such form: choose %(forms)s.") % {"forms": ", ".join(FORMS)}, field="form"
            )
        fmt = params.get("format") or ""
        if fmt and fmt not in (*FORM_FILE_FORMATS, "json"):
            raise ValidationError({"format": [_("Choose json, xlsx, docx or pdf.")]})
        from khuyencong.reports.documents import file_options, form_file

        number, issued_on = file_options(params)
        resolved = access.resolve_for(request.user, params.get("unit"))
        form = build_form(code, resolved, period_from(params))
        if fmt in FORM_FILE_FORMATS:
            return form_file(form, fmt, number=number, issued_on=issued_on).response()
        return Response(form.as_json())
