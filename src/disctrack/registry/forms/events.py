"""Complications (and their adjudication) and follow-up events."""

from __future__ import annotations

from django import forms

from disctrack.registry.choices import (
    AdjudicationStatus,
    ComplicationCategory,
    EventKind,
    Relatedness,
    Severity,
)
from disctrack.registry.forms.widgets import DateInput, RadioGroup
from disctrack.registry.models import Complication, Event


class ComplicationForm(forms.ModelForm):
    class Meta:
        model = Complication
        fields = ["treatment", "category", "occurred_on", "severity", "relatedness", "description"]
        labels = {
            "treatment": "Treatment it may relate to",
            "occurred_on": "Date it began",
            "relatedness": "Relatedness to the treatment",
        }
        widgets = {"occurred_on": DateInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, episode, **kwargs):
        kwargs.setdefault("instance", Complication(episode=episode))
        super().__init__(*args, **kwargs)
        self.fields["treatment"].queryset = episode.treatments.order_by("performed_on")
        self.fields["treatment"].empty_label = "None of them"

    def complication_data(self) -> dict:
        return dict(self.cleaned_data)


class AdjudicationForm(forms.Form):
    """A clinician's verdict; severity, relatedness and category may be reclassified."""

    status = forms.ChoiceField(
        label="Verdict",
        choices=[
            (AdjudicationStatus.CONFIRMED, "Confirmed: a complication"),
            (AdjudicationStatus.REJECTED, "Rejected: not a complication"),
        ],
        widget=RadioGroup,
    )
    adjudication_note = forms.CharField(
        label="Reasoning", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the verdict rests on: notes, imaging, laboratory results.",
    )
    category = forms.ChoiceField(label="Category", choices=ComplicationCategory.choices)
    severity = forms.ChoiceField(label="Severity", choices=Severity.choices)
    relatedness = forms.ChoiceField(label="Relatedness to the treatment", choices=Relatedness.choices)

    def __init__(self, *args, complication: Complication, **kwargs):
        kwargs.setdefault("initial", {
            "status": "" if complication.status == AdjudicationStatus.PENDING else complication.status,
            "adjudication_note": complication.adjudication_note,
            "category": complication.category,
            "severity": complication.severity,
            "relatedness": complication.relatedness,
        })
        super().__init__(*args, **kwargs)

    def adjudication_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"], "note": data["adjudication_note"],
            "category": data["category"], "severity": data["severity"],
            "relatedness": data["relatedness"],
        }


class EventForm(forms.ModelForm):
    kind = forms.ChoiceField(label="What happened", choices=EventKind.choices, widget=RadioGroup)

    class Meta:
        model = Event
        fields = ["kind", "occurred_on", "reason"]
        labels = {"occurred_on": "Date", "reason": "Reason or circumstances"}
        help_texts = {"reason": "Required for a withdrawal: why the patient withdrew."}
        widgets = {"occurred_on": DateInput}

    def __init__(self, *args, episode, **kwargs):
        kwargs.setdefault("instance", Event(episode=episode))
        super().__init__(*args, **kwargs)

    def event_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("kind", "occurred_on", "reason")}
