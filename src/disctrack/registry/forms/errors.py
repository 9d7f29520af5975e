"""Putting an action's ValidationError back onto the form fields it names; groups of forms."""

from __future__ import annotations

from itertools import chain

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorList


def _messages_by_key(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def _humanize(name: str) -> str:
    return name.replace("_", " ").capitalize()


def add_action_errors(error: ValidationError, form: forms.BaseForm,
                      parts: dict[str, forms.BaseForm] | None = None) -> None:
    """Show an action's errors on the fields they name.

    Keys are field names ("performed_on") or a part and a field ("identity.email",
    "imaging[0].pfirrmann_grade"); `parts` maps the part to its form. An error for a field
    no form shows goes to the top of `form`, still naming the field.
    """
    parts = parts or {}
    for key, messages in _messages_by_key(error).items():
        prefix, _, name = key.rpartition(".")
        target = parts.get(prefix, form) if prefix else form
        if name in target.fields or name == NON_FIELD_ERRORS:
            field = None if name == NON_FIELD_ERRORS else name
            for message in messages:
                target.add_error(field, message)
            continue
        for message in messages:
            target.add_error(None, f"{_humanize(name)}: {message}")


class FormGroup:
    """Several forms validated and summarised as one, so core/form_errors.html lists all."""

    def __init__(self, *members: forms.BaseForm):
        self.members = list(members)

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.members])

    @property
    def errors(self) -> dict:
        return {
            form.add_prefix(name): errors for form in self.members for name, errors in form.errors.items()
        }

    def non_field_errors(self) -> ErrorList:
        return ErrorList(chain.from_iterable(form.non_field_errors() for form in self.members))

    def __iter__(self):
        return chain.from_iterable(iter(form) for form in self.members)
