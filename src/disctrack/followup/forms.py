"""Forms of the follow-up pages."""

from __future__ import annotations

from django import forms

from disctrack.followup.models import CallOutcome
from disctrack.protocols import protocols
from disctrack.registry.forms.events import ComplicationForm


class CallLogForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome of the call", choices=CallOutcome.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label="Note", required=False, max_length=500,
                           help_text="For a withdrawal, the patient's reason.")


class TaskDoneForm(forms.Form):
    outcome = forms.CharField(label="What was done", required=False, max_length=200)


class DismissAlertForm(forms.Form):
    reason = forms.CharField(label="Why this is not a complication",
                             widget=forms.Textarea(attrs={"rows": 3}))


class SiteProtocolForm(forms.Form):
    protocol = forms.ChoiceField(label="Follow-up protocol")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protocol"].choices = [
            (name, f"{p.title} (version {p.version})") for name, p in sorted(protocols().items())
        ]


class AlertComplicationForm(ComplicationForm):
    """The complication an alert points to: it belongs to the alert's treatment."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["treatment"]
