"""The form renderer (``FORM_RENDERER``): Django's, with drop-downs written in Python.

Django renders a ``<select>`` by including one template per ``<option>`` and another for
each option's attributes: the commune and sector filters of a list (120-odd options) were
half the CPU time of the establishment list page (docs/performance.md, under load). Here
``django/forms/widgets/select.html`` with Django's own option template is written out
directly, to the byte what the templates write (the same escaping and localisation); any
other template, or a widget with its own option template, goes through the templates.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            widget = context.get("widget")
            if widget is not None and all(
                option.get("template_name") == OPTION
                for _name, options, _index in widget["optgroups"]
                for option in options
            ):
                return select_html(widget)
        return super().render(template_name, context, request)


def _text(value: Any) -> str:
    """``{{ value }}`` with autoescaping: localised, then escaped unless already safe."""
    if not isinstance(value, str):
        value = str(localize(value))
    return str(conditional_escape(value))


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: ``stringformat`` keeps a safe string safe."""
    text = "%s" % (value,)  # noqa: UP031 - exactly the filter's formatting
    return text if isinstance(value, SafeString) else str(conditional_escape(text))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        )
    return "".join(parts)


def select_html(widget: dict[str, Any]) -> str:
    """django/forms/widgets/select.html with select_option.html, as the templates write it."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"  # the option template's own line end
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
