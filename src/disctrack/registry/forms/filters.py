"""Search and filter forms of the patient list and the audit log (GET forms)."""

from __future__ import annotations

from django import forms

from disctrack.core.forms import FastSelect
from disctrack.registry.choices import PatientStatus, TreatmentKind
from disctrack.registry.forms.widgets import DateInput


def _any(choices, label: str = "Any") -> list:
    return [("", label), *choices]


class PatientFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    site = forms.ModelChoiceField(queryset=None, required=False, empty_label="All my sites", widget=FastSelect)
    kind = forms.ChoiceField(label="Treatment", required=False, choices=_any(TreatmentKind.choices))
    status = forms.ChoiceField(label="Status", required=False, choices=_any(PatientStatus.choices))

    def __init__(self, *args, sites, search_help: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        # Shown below the row of filters, so the search box lines up with the others.
        self.search_help = search_help
        self.fields["q"].widget.attrs["aria-describedby"] = "search-help"


class AuditFilterForm(forms.Form):
    user = forms.CharField(label="User", required=False, max_length=150,
                           help_text="User name, 'patient' or 'system'.")
    model = forms.ChoiceField(label="Record type", required=False)
    registry_id = forms.CharField(label="Registry ID", required=False, max_length=16)
    date_from = forms.DateField(label="From", required=False, widget=DateInput)
    date_to = forms.DateField(label="To", required=False, widget=DateInput)

    def __init__(self, *args, models: list[tuple[str, str]], zone_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = _any(models, "All")
        self.fields["date_from"].help_text = f"Dates in {zone_name}."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date")
        return cleaned
