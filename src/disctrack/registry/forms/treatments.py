"""Recording and correcting treatments, with the fields that belong to each kind."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from disctrack.registry.choices import (
    BIOLOGIC_KINDS,
    SURGICAL_KINDS,
    ConservativeComponent,
    Level,
    TreatmentKind,
    TreatmentRole,
)
from disctrack.registry.forms.widgets import DateInput, multiple_choice_field, reason_field
from disctrack.registry.models import Physician, Treatment

# Which fields belong to which kinds of treatment. The page shows each group in a fieldset
# of its own; values entered in a group that does not apply to the chosen kind are dropped.
KIND_GROUPS = {
    "biologic": (
        "Biologic: dose and delivery",
        frozenset(BIOLOGIC_KINDS),
        ("cell_source", "msc_count_million", "total_nucleated_cells_million", "cfu_f_count",
         "volume_per_level_ml", "image_guidance"),
    ),
    "fusion": ("Fusion", frozenset({TreatmentKind.FUSION}), ("fusion_approach",)),
    "surgery": ("Surgery", frozenset(SURGICAL_KINDS), ("instrumented", "implant")),
    "conservative": (
        "Conservative-care programme",
        frozenset({TreatmentKind.CONSERVATIVE}),
        ("components", "sessions", "duration_weeks"),
    ),
}
GROUPED_FIELDS = frozenset(name for _, _, names in KIND_GROUPS.values() for name in names)


def fields_for_kind(kind: str) -> list[str]:
    """The kind-specific fields of a treatment of this kind, in display order."""
    return [name for _, kinds, names in KIND_GROUPS.values() if kind in kinds for name in names]


class TreatmentForm(forms.ModelForm):
    levels = multiple_choice_field(Level.choices, "Treated levels")
    components = multiple_choice_field(
        ConservativeComponent.choices, "Components of the programme", required=False,
        help_text="At least one for a conservative-care programme.",
    )

    class Meta:
        model = Treatment
        fields = [
            "kind", "performed_on", "levels", "physician", "performed_elsewhere", "reason",
            "cell_source", "msc_count_million", "total_nucleated_cells_million", "cfu_f_count",
            "volume_per_level_ml", "image_guidance", "fusion_approach", "instrumented",
            "implant", "components", "sessions", "duration_weeks", "notes",
        ]
        labels = {
            "kind": "Treatment",
            "performed_on": "Date of treatment",
            "reason": "Reason for the subsequent surgery",
            "msc_count_million": "MSC dose (million cells per level)",
            "total_nucleated_cells_million": "Total nucleated cells (million)",
            "cfu_f_count": "CFU-F count",
            "volume_per_level_ml": "Volume injected per level (ml)",
            "instrumented": "Instrumented",
            "sessions": "Number of sessions",
            "duration_weeks": "Duration (weeks)",
        }
        # Required only for some kinds: the model checks them, the page says when.
        help_texts = {
            "reason": "Required for a subsequent surgery.",
            "msc_count_million": "Required for culture-expanded MSC.",
            "total_nucleated_cells_million": "Required for bone-marrow concentrate.",
            "volume_per_level_ml": "Required for every intradiscal injection.",
            "image_guidance": "Required for every intradiscal injection.",
            "fusion_approach": "Required for a fusion.",
        }
        widgets = {"performed_on": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        # A physician who has left stays choosable on the treatments they did.
        current = self.instance.physician_id if self.instance.pk else None
        self.fields["physician"].queryset = Physician.objects.filter(site=site).filter(
            Q(active=True) | Q(pk=current)
        )

    def clean(self):
        cleaned = super().clean()
        keep = set(fields_for_kind(cleaned.get("kind", "")))
        for name in GROUPED_FIELDS - keep:
            cleaned[name] = self.fields[name].to_python(None)
        return cleaned

    def kind_groups(self) -> list[dict]:
        """The kind-specific fieldsets for the template: legend, kinds and bound fields."""
        return [
            {"key": key, "legend": legend, "kinds": " ".join(sorted(kinds)),
             "fields": [self[name] for name in names]}
            for key, (legend, kinds, names) in KIND_GROUPS.items()
        ]

    def main_fields(self) -> list:
        """The fields every kind has, before the kind-specific fieldsets."""
        names = ["kind", "role", "performed_on", "levels", "physician", "performed_elsewhere", "reason"]
        return [self[name] for name in names if name in self.fields]

    def treatment_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TreatmentRecordForm(TreatmentForm):
    """A new treatment; after the index treatment, the role can be said explicitly."""

    role = forms.ChoiceField(
        label="Role of this treatment",
        required=False,
        help_text="Automatic: a surgery is a subsequent surgery, anything else an additional treatment.",
        choices=[
            ("", "Automatic"),
            (TreatmentRole.SUBSEQUENT_SURGERY, TreatmentRole.SUBSEQUENT_SURGERY.label),
            (TreatmentRole.ADDITIONAL, TreatmentRole.ADDITIONAL.label),
        ],
    )

    def __init__(self, *args, has_index: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_index:
            del self.fields["role"]

    def treatment_data(self) -> dict:
        data = super().treatment_data()
        if self.cleaned_data.get("role"):
            data["role"] = self.cleaned_data["role"]
        return data


class TreatmentEditForm(TreatmentForm):
    change_reason = reason_field()
