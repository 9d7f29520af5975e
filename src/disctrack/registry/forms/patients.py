"""Identity, episode of care, per-level imaging and contact preferences."""

from __future__ import annotations

from django import forms

from disctrack.registry.choices import Comorbidity, Language, Level, Modic
from disctrack.registry.forms.widgets import (
    DateInput,
    multiple_choice_field,
    reason_field,
    yes_no_field,
)
from disctrack.registry.models import Episode, LevelImaging, PatientIdentity

PFIRRMANN_GRADES = [("", "Choose"), (1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V")]


class IdentityForm(forms.ModelForm):
    class Meta:
        model = PatientIdentity
        fields = [
            "given_name", "family_name", "date_of_birth", "sex", "medical_record_number",
            "email", "mobile_phone", "postal_code",
        ]
        labels = {"medical_record_number": "Medical record number (MRN)", "email": "E-mail"}
        help_texts = {
            "email": "Where questionnaire links are sent.",
            "mobile_phone": "International form, e.g. +34600123456; for text-message reminders.",
        }
        widgets = {
            "date_of_birth": DateInput,
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "mobile_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }


class IdentityEditForm(IdentityForm):
    reason = reason_field()

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in IdentityForm.Meta.fields}


class EpisodeForm(forms.ModelForm):
    levels = multiple_choice_field(Level.choices, "Painful disc levels")
    leg_pain = yes_no_field("Leg pain radiating below the knee")
    prior_spine_surgery = yes_no_field("Previous spine surgery")
    other_analgesics = yes_no_field("Other analgesics", "Paracetamol, NSAIDs or neuropathic agents.")
    comorbidities = multiple_choice_field(Comorbidity.choices, "Comorbidities", required=False)

    class Meta:
        model = Episode
        fields = [
            "diagnosed_on", "levels", "symptom_duration_months", "leg_pain",
            "prior_spine_surgery", "smoking", "height_cm", "weight_kg", "comorbidities",
            "work_status", "opioid_use", "other_analgesics", "notes",
        ]
        labels = {
            "diagnosed_on": "Date of diagnosis",
            "symptom_duration_months": "Duration of symptoms (months)",
            "height_cm": "Height (cm)",
            "weight_kg": "Weight (kg)",
            "opioid_use": "Opioid use",
        }
        widgets = {"diagnosed_on": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}


class EpisodeEditForm(EpisodeForm):
    reason = reason_field()

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in EpisodeForm.Meta.fields}


class ImagingForm(forms.ModelForm):
    """MRI findings at one level; the level is fixed by the form, not chosen in it."""

    pfirrmann_grade = forms.TypedChoiceField(
        label="Pfirrmann grade", choices=PFIRRMANN_GRADES, coerce=int, empty_value=None
    )
    modic = forms.TypedChoiceField(
        label="Modic change", choices=Modic.choices, coerce=int, initial=Modic.NONE
    )

    class Meta:
        model = LevelImaging
        fields = ["pfirrmann_grade", "modic", "annular_fissure", "high_intensity_zone"]
        labels = {"high_intensity_zone": "High-intensity zone (HIZ)"}

    def __init__(self, *args, level: str, **kwargs):
        kwargs.setdefault("instance", LevelImaging(level=level))
        kwargs.setdefault("prefix", f"imaging-{level}")
        super().__init__(*args, **kwargs)
        self.level = level
        for field in self.fields.values():
            field.label = f"{field.label} at {level}"

    def row(self) -> dict:
        return {"level": self.level, **self.cleaned_data}


def imaging_forms(levels, data=None, stored: dict[str, LevelImaging] | None = None) -> list[ImagingForm]:
    """One imaging form per level, filled from the stored rows when editing."""
    stored = stored or {}
    return [
        ImagingForm(data, level=level, instance=stored.get(level) or LevelImaging(level=level))
        for level in levels
    ]


class ImagingEditForm(forms.Form):
    reason = reason_field()


class ContactPreferencesForm(forms.Form):
    email_opt_out = forms.BooleanField(
        label="Do not send e-mail", required=False,
        help_text="The patient asked not to receive questionnaire links or reminders by e-mail.",
    )
    sms_opt_out = forms.BooleanField(
        label="Do not send text messages", required=False,
        help_text="The patient asked not to receive reminders by SMS.",
    )
    language = forms.ChoiceField(
        label="Language of questionnaires and messages", choices=Language.choices
    )
    reason = forms.CharField(
        label="Note", required=False, max_length=500,
        help_text="Optional: how the patient asked, e.g. 'by telephone'.",
    )
