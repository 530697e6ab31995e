"""Form fields shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.formats import format_number
from khuyencong.core.money import parse_money

# The largest amount a form takes (a thousand thousand billion đồng).
MAX_AMOUNT = 10**15


class MoneyInput(forms.TextInput):
    """A text box (a phone offers its number pad) with the unit, đồng, written beside it; the
    amount shown grouped as officers write it: 1.250.000.000."""

    template_name = "core/widgets/money.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int):
            return format_number(value)
        return super().format_value(value)


class MoneyField(forms.Field):
    """An amount in integer đồng, typed "1.250.000.000", "1,25 tỷ", "350 triệu" or "350tr"
    (core/money.py reads them); a clear message names what to write otherwise."""

    widget = MoneyInput

    def __init__(
        self, *, min_value: int | None = 0, max_value: int | None = MAX_AMOUNT, **kwargs: Any
    ) -> None:
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        try:
            return parse_money(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def validate(self, value: int | None) -> None:
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                _("The amount must be at least %(amount)s đồng.")
                % {"amount": format_number(self.min_value)},
                code="min_value",
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                _("The amount must be at most %(amount)s đồng.")
                % {"amount": format_number(self.max_value)},
                code="max_value",
            )

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return parse_money(initial) != parse_money(data)
        except ValueError:
            return True


VERSION_MISSING = gettext_lazy(
    "The form was sent without the version of the record it changes, so it could overwrite "
    "someone else's changes: nothing was saved. Reload the page and make your changes again."
)


class VersionField(forms.IntegerField):
    """The hidden ``version`` an edit form carries (optimistic locking, core/locking.py).

    Optional on a form that creates; ``require_version(form)`` makes it required on a form that
    edits, so that a post without it is refused instead of overwriting a newer version.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("error_messages", {"required": VERSION_MISSING})
        super().__init__(**kwargs)


def require_version(form: forms.BaseForm) -> None:
    form.fields["version"].required = True


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    # A mixin of Django forms: typed as one, a plain class at run time.
    _FormBase = object


class VersionedFormMixin(_FormBase):
    """Shows an error of the hidden ``version`` at the top of the form (pages render hidden
    fields without their errors)."""

    def full_clean(self) -> None:
        super().full_clean()
        errors = getattr(self, "_errors", None)
        if errors and "version" in errors:
            problems = errors.pop("version")
            errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield"))
            errors[NON_FIELD_ERRORS].extend(problems)
            self.cleaned_data.pop("version", None)


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model choice field ``name``, typed as one (``form.fields`` holds plain
    ``Field``s), to set its queryset or labels."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"“{name}” is not a model choice field.")
    return field


def choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field ``name``, typed as one, to set its choices."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"“{name}” is not a choice field.")
    return field


def label_choices(field: forms.ModelChoiceField[Any], label: Callable[[Any], str]) -> None:
    """Name each choice of a model choice field with ``label`` (instead of ``str(obj)``)."""
    # Django's documented way to relabel the choices of a field instance.
    field.label_from_instance = label  # type: ignore[method-assign,assignment]  # per instance
