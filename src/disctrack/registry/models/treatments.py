"""Treatments of an episode: biologics, surgery, conservative care."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from disctrack.registry.choices import (
    BIOLOGIC_KINDS,
    CellSource,
    ConservativeComponent,
    FusionApproach,
    ImageGuidance,
    TreatmentKind,
    TreatmentRole,
    treatment_class,
)
from disctrack.registry.models.episodes import Episode, validate_levels
from disctrack.registry.models.patients import bounded
from disctrack.registry.models.sites import Physician


def validate_components(value: list) -> None:
    if not isinstance(value, list):
        raise ValidationError("Components must be a list")
    unknown = [code for code in value if code not in ConservativeComponent.values]
    if unknown:
        raise ValidationError(f"Unknown component(s): {', '.join(map(str, unknown))}")


class Treatment(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="treatments")
    kind = models.CharField(max_length=20, choices=TreatmentKind.choices)
    role = models.CharField(max_length=20, choices=TreatmentRole.choices)
    performed_on = models.DateField()
    levels = models.JSONField(validators=[validate_levels])
    physician = models.ForeignKey(Physician, on_delete=models.PROTECT, related_name="treatments")
    performed_elsewhere = models.BooleanField(
        default=False, help_text="Done at another hospital; details may be incomplete."
    )
    reason = models.CharField(
        max_length=200, blank=True, help_text="Why a subsequent surgery was done."
    )
    # Biologics
    cell_source = models.CharField(max_length=12, choices=CellSource.choices, blank=True)
    total_nucleated_cells_million = models.FloatField(
        null=True, blank=True, validators=bounded(0, 1_000_000)
    )
    msc_count_million = models.FloatField(null=True, blank=True, validators=bounded(0, 100_000))
    cfu_f_count = models.FloatField(null=True, blank=True, validators=bounded(0, 1e9))
    volume_per_level_ml = models.FloatField(null=True, blank=True, validators=bounded(0, 10))
    image_guidance = models.CharField(max_length=12, choices=ImageGuidance.choices, blank=True)
    # Surgery
    fusion_approach = models.CharField(max_length=16, choices=FusionApproach.choices, blank=True)
    instrumented = models.BooleanField(null=True, blank=True)
    implant = models.CharField(max_length=200, blank=True, help_text="Device or cage.")
    # Conservative care
    components = models.JSONField(default=list, blank=True, validators=[validate_components])
    sessions = models.PositiveIntegerField(null=True, blank=True, validators=bounded(0, 500))
    duration_weeks = models.PositiveIntegerField(null=True, blank=True, validators=bounded(0, 260))
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["performed_on", "id"]
        indexes = [models.Index(fields=["kind", "role"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.performed_on}"

    @property
    def is_biologic(self) -> bool:
        return self.kind in BIOLOGIC_KINDS

    @property
    def treatment_class(self) -> str:
        return treatment_class(self.kind)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.is_biologic:
            if not self.image_guidance:
                errors["image_guidance"] = "Say how the injection was guided"
            if self.volume_per_level_ml is None:
                errors["volume_per_level_ml"] = "Record the volume injected per level"
            if self.kind == TreatmentKind.MSC and self.msc_count_million is None:
                errors["msc_count_million"] = "Record the MSC dose for culture-expanded cells"
            if self.kind == TreatmentKind.BMC and self.total_nucleated_cells_million is None:
                errors["total_nucleated_cells_million"] = "Record the total nucleated cells"
        if self.kind == TreatmentKind.FUSION and not self.fusion_approach:
            errors["fusion_approach"] = "Choose the fusion approach"
        if self.kind != TreatmentKind.FUSION and self.fusion_approach:
            errors["fusion_approach"] = "Only a fusion has a fusion approach"
        if self.kind == TreatmentKind.CONSERVATIVE and not self.components:
            errors["components"] = "Choose at least one component of the programme"
        if self.role == TreatmentRole.SUBSEQUENT_SURGERY and not self.reason:
            errors["reason"] = "Say why the subsequent surgery was done"
        if errors:
            raise ValidationError(errors)
