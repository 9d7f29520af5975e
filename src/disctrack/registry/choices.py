"""Coded values of the registry. Codes are stored and exported; labels are shown."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    COORDINATOR = "coordinator", "Coordinator"
    CLINICIAN = "clinician", "Clinician"
    ANALYST = "analyst", "Analyst"
    READ_ONLY = "read_only", "Read-only"


WRITE_ROLES = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.CLINICIAN})
ADJUDICATE_ROLES = frozenset({Role.ADMINISTRATOR, Role.CLINICIAN})
IDENTITY_ROLES = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.CLINICIAN, Role.READ_ONLY})
REPORT_ROLES = frozenset(Role)


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"


class PatientStatus(models.TextChoices):
    ACTIVE = "active", "In follow-up"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DEAD = "dead", "Deceased"
    LOST = "lost", "Lost to follow-up"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


LEVELS = ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")


class Level(models.TextChoices):
    L1_L2 = "L1-L2", "L1-L2"
    L2_L3 = "L2-L3", "L2-L3"
    L3_L4 = "L3-L4", "L3-L4"
    L4_L5 = "L4-L5", "L4-L5"
    L5_S1 = "L5-S1", "L5-S1"


class Modic(models.IntegerChoices):
    NONE = 0, "None"
    TYPE_1 = 1, "Type 1"
    TYPE_2 = 2, "Type 2"
    TYPE_3 = 3, "Type 3"


class Smoking(models.TextChoices):
    NEVER = "never", "Never"
    FORMER = "former", "Former"
    CURRENT = "current", "Current"


class WorkStatus(models.TextChoices):
    FULL_TIME = "full_time", "Working full-time"
    PART_TIME = "part_time", "Working part-time"
    SICK_LEAVE = "sick_leave", "On sick leave because of back pain"
    UNEMPLOYED = "unemployed", "Unemployed"
    RETIRED = "retired", "Retired"
    DISABILITY = "disability", "Disability pension"
    HOMEMAKER = "homemaker", "Homemaker"
    STUDENT = "student", "Student"


class OpioidUse(models.TextChoices):
    NONE = "none", "No opioids"
    OCCASIONAL = "occasional", "Occasional opioids"
    DAILY = "daily", "Daily opioids"


class Comorbidity(models.TextChoices):
    DIABETES = "diabetes", "Diabetes"
    CARDIOVASCULAR = "cardiovascular", "Heart or vascular disease"
    HYPERTENSION = "hypertension", "High blood pressure"
    LUNG = "lung", "Lung disease"
    DEPRESSION = "depression", "Depression or anxiety"
    RHEUMATOID = "rheumatoid", "Rheumatoid or inflammatory arthritis"
    OSTEOPOROSIS = "osteoporosis", "Osteoporosis"
    OTHER_JOINT = "other_joint", "Hip or knee osteoarthritis"
    CANCER = "cancer", "Cancer"
    KIDNEY = "kidney", "Kidney disease"
    NEUROLOGICAL = "neurological", "Neurological disease"


class TreatmentKind(models.TextChoices):
    MSC = "msc", "Intradiscal culture-expanded MSC"
    BMC = "bmc", "Intradiscal bone-marrow concentrate"
    PRP = "prp", "Intradiscal platelet-rich plasma"
    OTHER_BIOLOGIC = "other_biologic", "Other intradiscal biologic"
    FUSION = "fusion", "Lumbar fusion"
    DISC_REPLACEMENT = "disc_replacement", "Total disc replacement"
    DECOMPRESSION = "decompression", "Decompression or discectomy"
    CONSERVATIVE = "conservative", "Conservative-care programme"


BIOLOGIC_KINDS = frozenset(
    {TreatmentKind.MSC, TreatmentKind.BMC, TreatmentKind.PRP, TreatmentKind.OTHER_BIOLOGIC}
)
SURGICAL_KINDS = frozenset(
    {TreatmentKind.FUSION, TreatmentKind.DISC_REPLACEMENT, TreatmentKind.DECOMPRESSION}
)


def treatment_class(kind: str) -> str:
    """The comparison class of a treatment kind: biologic, fusion, disc_replacement, ..."""
    if kind in BIOLOGIC_KINDS:
        return "biologic"
    return kind


class TreatmentRole(models.TextChoices):
    INDEX = "index", "Index treatment"
    SUBSEQUENT_SURGERY = "subsequent_surgery", "Subsequent surgery"
    ADDITIONAL = "additional", "Additional treatment"


class FusionApproach(models.TextChoices):
    TLIF = "TLIF", "TLIF"
    PLIF = "PLIF", "PLIF"
    ALIF = "ALIF", "ALIF"
    LLIF = "LLIF", "LLIF"
    POSTEROLATERAL = "posterolateral", "Posterolateral"


class ImageGuidance(models.TextChoices):
    FLUOROSCOPY = "fluoroscopy", "Fluoroscopy"
    CT = "ct", "CT"
    NONE = "none", "None"


class CellSource(models.TextChoices):
    AUTOLOGOUS = "autologous", "Autologous"
    ALLOGENEIC = "allogeneic", "Allogeneic"


class ConservativeComponent(models.TextChoices):
    PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
    CBT = "cbt", "Cognitive-behavioural therapy"
    MEDICATION = "medication", "Medication"
    INJECTIONS = "injections", "Injections"


class ComplicationCategory(models.TextChoices):
    # ICHOM low back pain standard set
    DEATH = "death", "Mortality"
    NERVE_ROOT_INJURY = "nerve_root_injury", "Nerve root or cauda equina injury"
    DEEP_INFECTION = "deep_infection", "Deep infection"
    PULMONARY_EMBOLISM = "pulmonary_embolism", "Pulmonary embolism"
    WRONG_SITE = "wrong_site", "Wrong-site surgery"
    VASCULAR_INJURY = "vascular_injury", "Vascular injury"
    DURAL_TEAR = "dural_tear", "Dural tear"
    REHOSPITALISATION = "rehospitalisation", "Rehospitalisation"
    # intradiscal procedures
    DISCITIS = "discitis", "Discitis"
    ENDPLATE_CHANGE = "endplate_change", "Endplate change"
    HARVEST_SITE_PAIN = "harvest_site_pain", "Harvest-site pain"
    HARVEST_SITE_HAEMATOMA = "harvest_site_haematoma", "Harvest-site haematoma"
    POST_INJECTION_FLARE = "post_injection_flare", "Post-injection flare"
    NERVE_INJURY = "nerve_injury", "Nerve injury"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"
    LIFE_THREATENING = "life_threatening", "Life-threatening"
    FATAL = "fatal", "Fatal"


class Relatedness(models.TextChoices):
    UNRELATED = "unrelated", "Unrelated"
    UNLIKELY = "unlikely", "Unlikely"
    POSSIBLE = "possible", "Possible"
    PROBABLE = "probable", "Probable"
    DEFINITE = "definite", "Definite"


class AdjudicationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting adjudication"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Not a complication"


class EventKind(models.TextChoices):
    WITHDRAWAL = "withdrawal", "Withdrawal"
    DEATH = "death", "Death"
    LOST_TO_FOLLOW_UP = "lost_to_follow_up", "Lost to follow-up"
