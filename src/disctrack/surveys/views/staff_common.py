"""What the staff pages of the surveys app share: English pages, the error summary and
error routing."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation

from disctrack.surveys.forms import ErrorLink, InstrumentForm

STAFF_LANGUAGE = "en"


def render_staff(request, template: str, context: dict, status: int = 200):
    """Staff pages are in English; the question partials they share with the patient's pages
    would otherwise follow the browser's language."""
    with translation.override(STAFF_LANGUAGE):
        return render(request, template, context, status=status)


def error_links(django_forms: list[forms.Form], instrument_forms: list[InstrumentForm]) -> list[ErrorLink]:
    links = []
    for form in django_forms:
        for message in form.non_field_errors():
            links.append(ErrorLink("", "", message))
        for field in form:
            for message in field.errors:
                links.append(ErrorLink(_field_target(field), str(field.label), message))
    for form in instrument_forms:
        links.extend(
            ErrorLink(link.target, f"{form.title}: {link.label}", link.message)
            for link in form.error_links()
        )
    return links


def _field_target(field) -> str:
    # A group of radios has no element with the field's own id; jump to the first radio.
    if field.widget_type == "radioselect":
        return f"{field.auto_id}_0"
    return field.id_for_label


def route_errors(exc: ValidationError, form: forms.Form, instrument_forms: list[InstrumentForm],
                 renamed: dict[str, str] | None = None) -> None:
    """Put an action's errors on the field they name: `odi.odi_3` on ODI's question 3,
    `completed_at` on the form's date (through `renamed`), anything else at the top."""
    by_name = {f.instrument.name: f for f in instrument_forms}
    renamed = renamed or {}
    for key, messages in exc.message_dict.items():
        name, _, code = key.partition(".")
        field = renamed.get(key, key)
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
            elif name in by_name and code:
                by_name[name].add_error(code, message)
            else:
                form.add_error(None, message)
