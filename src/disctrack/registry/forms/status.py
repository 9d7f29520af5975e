"""Up to when staff knew whether the patient had a further operation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disctrack.registry.forms.widgets import DateInput


class SurgeryStatusForm(forms.Form):
    # Named as the action names it, so that its errors land on this field.
    surgery_status_known_on = forms.DateField(
        label=_("Surgery status known up to"), widget=DateInput,
        help_text=_("The last date on which you know whether the patient had another back "
                    "operation: a clinic visit, a letter from another hospital, a conversation."),
    )
    reason = forms.CharField(
        label=_("How it is known"), required=False, max_length=300,
        help_text=_("Required when it replaces a date recorded before."),
    )

    def status_arguments(self) -> dict:
        data = self.cleaned_data
        return {"known_on": data["surgery_status_known_on"], "reason": data["reason"]}
