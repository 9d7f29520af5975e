"""An episode of care for discogenic low back pain: diagnosis, imaging and case-mix."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from disctrack.registry.choices import (
    LEVELS,
    Comorbidity,
    Level,
    Modic,
    OpioidUse,
    Smoking,
    WorkStatus,
)
from disctrack.registry.models.patients import Patient, bounded, refuse_future


def validate_levels(value: list) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one level")
    unknown = [level for level in value if level not in LEVELS]
    if unknown:
        raise ValidationError(f"Unknown level(s) {', '.join(map(str, unknown))}; use {', '.join(LEVELS)}")
    if len(set(value)) != len(value):
        raise ValidationError("A level is listed twice")


def validate_comorbidities(value: list) -> None:
    if not isinstance(value, list):
        raise ValidationError("Comorbidities must be a list")
    unknown = [code for code in value if code not in Comorbidity.values]
    if unknown:
        raise ValidationError(f"Unknown comorbidity code(s): {', '.join(map(str, unknown))}")


def sorted_levels(levels: list[str]) -> list[str]:
    return sorted(set(levels), key=LEVELS.index)


class Episode(models.Model):
    """One course of care for discogenic low back pain; treatments belong to it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    diagnosed_on = models.DateField()
    levels = models.JSONField(validators=[validate_levels], help_text="Painful disc levels.")
    symptom_duration_months = models.PositiveIntegerField(validators=bounded(0, 720))
    leg_pain = models.BooleanField(help_text="Leg pain radiating below the knee.")
    prior_spine_surgery = models.BooleanField()
    smoking = models.CharField(max_length=10, choices=Smoking.choices)
    height_cm = models.FloatField(validators=bounded(120, 230))
    weight_kg = models.FloatField(validators=bounded(30, 300))
    comorbidities = models.JSONField(default=list, blank=True, validators=[validate_comorbidities])
    work_status = models.CharField(max_length=20, choices=WorkStatus.choices)
    opioid_use = models.CharField(max_length=12, choices=OpioidUse.choices)
    other_analgesics = models.BooleanField(help_text="Paracetamol, NSAIDs or neuropathic agents.")
    notes = models.TextField(blank=True)
    surgery_status_known_on = models.DateField(
        null=True, blank=True,
        help_text="Staff or an import knew up to this date whether the patient had a further "
                  "operation (a clinic visit, a letter from another hospital).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-diagnosed_on"]

    def __str__(self) -> str:
        return f"{self.patient} episode of {self.diagnosed_on}"

    def clean(self) -> None:
        refuse_future("diagnosed_on", self.diagnosed_on, "The diagnosis")
        refuse_future("surgery_status_known_on", self.surgery_status_known_on,
                      "The date the surgery status was known")

    @property
    def bmi(self) -> float:
        return round(self.weight_kg / (self.height_cm / 100) ** 2, 1)

    @property
    def is_working(self) -> bool:
        return self.work_status in {WorkStatus.FULL_TIME, WorkStatus.PART_TIME}

    @property
    def comorbidity_count(self) -> int:
        return len(self.comorbidities)


class LevelImaging(models.Model):
    """MRI findings at one disc level."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="imaging")
    level = models.CharField(max_length=5, choices=Level.choices)
    pfirrmann_grade = models.PositiveSmallIntegerField(validators=bounded(1, 5))
    modic = models.PositiveSmallIntegerField(choices=Modic.choices, default=Modic.NONE)
    annular_fissure = models.BooleanField(default=False)
    high_intensity_zone = models.BooleanField(default=False)

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "level"], name="imaging_one_row_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.level}: Pfirrmann {self.pfirrmann_grade}, Modic {self.modic}"
