"""Form fields and widgets shared by the registry's staff forms."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """A native date picker; the value is always ISO, whatever the browser's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Checkboxes rendered in a fieldset whose error link points at the first box."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


class RadioGroup(forms.RadioSelect):
    """Radio buttons rendered in a fieldset whose error link points at the first button."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


def yes_no_field(label: str, help_text: str = "") -> forms.TypedChoiceField:
    """A required Yes/No question: an unticked box would not tell "no" from "not asked"."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[("True", "Yes"), ("False", "No")],
        coerce=lambda value: value == "True",
        empty_value=None,
        widget=RadioGroup,
    )


def multiple_choice_field(choices, label: str, required: bool = True,
                          help_text: str = "") -> forms.MultipleChoiceField:
    """A list-valued model field (levels, comorbidities, components) as checkboxes."""
    return forms.MultipleChoiceField(
        choices=choices, label=label, required=required, help_text=help_text, widget=CheckboxGroup
    )


def reason_field(label: str = "Reason for the change") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=500,
        help_text="Kept in the audit trail with the old and new values.",
        widget=forms.TextInput,
    )
