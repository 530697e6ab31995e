"""The parts of the report endpoints' schema that several responses share, described once:
the period a report covers and an indicator's row (``/reports/summary/``, a submitted
report's snapshot, a consolidation). Each call builds new fields (a serializer binds the
fields it is given). A response adds its own fields after these, as ``{**indicator_fields(),
"note": ...}``: the schema lists fields in the order they were created, so the shared ones
must be built first."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from khuyencong.reports.models import Indicator

# Where an indicator's figure came from (``reports.summary``).
SOURCES = ["records", "aggregates", "mixed", "none"]
SOURCE_HELP = ", ".join(f"`{s}`" for s in SOURCES[:-1]) + f" or `{SOURCES[-1]}`."


def period_fields() -> dict[str, Any]:
    """The place and period a report is about."""
    return {
        "unit": serializers.CharField(),
        "unit_label": serializers.CharField(),
        "start": serializers.DateField(),
        "end": serializers.DateField(),
        "period_label": serializers.CharField(),
    }


def indicator_fields() -> dict[str, Any]:
    """An indicator's row: its code, name and unit, the value with the plan and the same
    period a year earlier."""
    return {
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "unit": serializers.ChoiceField(choices=Indicator.Unit.choices),
        "value": serializers.FloatField(allow_null=True),
        "plan": serializers.FloatField(allow_null=True),
        "percent_of_plan": serializers.FloatField(allow_null=True),
        "previous": serializers.FloatField(allow_null=True),
        "change_percent": serializers.FloatField(allow_null=True),
    }
