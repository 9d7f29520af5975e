"""The files of the import/export format and their columns (documented in docs/import-format.md).

Files are listed in the order they are loaded. Keys are the registry id, an episode number
per patient and a treatment number per patient, so that files join without database ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from disctrack.interop.columns import Column


@dataclass(frozen=True)
class Table:
    file: str
    columns: tuple[Column, ...]
    required_file: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def _key(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name, "int" if name.endswith("_no") else "code", required=True) for name in names)


SITES = Table("sites.csv", (
    Column("code", required=True),
    Column("name", "text", required=True),
    Column("timezone", required=True),
    Column("protocol", required=True),
    Column("sms_enabled", "bool"),
), required_file=True)

STAFF = Table("staff.csv", (
    Column("username", required=True),
    Column("first_name", "text", identity=True),
    Column("last_name", "text", identity=True),
    Column("email", "text", identity=True),
))

MEMBERSHIPS = Table("memberships.csv", (
    Column("username", required=True),
    Column("site", required=True),
    Column("role", required=True),
))

PHYSICIANS = Table("physicians.csv", (
    Column("site", required=True),
    Column("name", "text", required=True),
), required_file=True)

IDENTITY_COLUMNS = (
    Column("given_name", "text", required=True, identity=True),
    Column("family_name", "text", required=True, identity=True),
    Column("date_of_birth", "date", required=True, identity=True),
    Column("sex", required=True, identity=True),
    Column("email", "text", identity=True),
    Column("mobile_phone", identity=True),
    Column("medical_record_number", "text", required=True, identity=True),
    Column("postal_code", "text", identity=True),
)

PATIENTS = Table("patients.csv", (
    *_key("registry_id"),
    Column("site", required=True),
    Column("language", required=True),
    Column("enrolled_at", "moment"),
    Column("email_opt_out", "bool"),
    Column("sms_opt_out", "bool"),
    *IDENTITY_COLUMNS,
), required_file=True)

EPISODES = Table("episodes.csv", (
    *_key("registry_id", "episode_no"),
    Column("diagnosed_on", "date", required=True),
    Column("levels", "list", required=True),
    Column("symptom_duration_months", "int", required=True),
    Column("leg_pain", "bool", required=True),
    Column("prior_spine_surgery", "bool", required=True),
    Column("smoking", required=True),
    Column("height_cm", "float", required=True),
    Column("weight_kg", "float", required=True),
    Column("comorbidities", "list"),
    Column("work_status", required=True),
    Column("opioid_use", required=True),
    Column("other_analgesics", "bool", required=True),
    Column("notes", "text"),
    Column("surgery_status_known_on", "date"),
), required_file=True)

IMAGING = Table("imaging.csv", (
    *_key("registry_id", "episode_no", "level"),
    Column("pfirrmann_grade", "int", required=True),
    Column("modic", "int"),
    Column("annular_fissure", "bool"),
    Column("high_intensity_zone", "bool"),
))

TREATMENTS = Table("treatments.csv", (
    *_key("registry_id", "episode_no", "treatment_no"),
    Column("kind", required=True),
    Column("role", required=True),
    Column("performed_on", "date", required=True),
    Column("levels", "list", required=True),
    Column("physician", "text", required=True),
    Column("performed_elsewhere", "bool"),
    Column("reason", "text"),
    Column("cell_source"),
    Column("total_nucleated_cells_million", "float"),
    Column("msc_count_million", "float"),
    Column("cfu_f_count", "float"),
    Column("volume_per_level_ml", "float"),
    Column("image_guidance"),
    Column("fusion_approach"),
    Column("instrumented", "bool"),
    Column("implant", "text"),
    Column("components", "list"),
    Column("sessions", "int"),
    Column("duration_weeks", "int"),
    Column("notes", "text"),
))

RESPONSES = Table("responses.csv", (
    *_key("registry_id", "treatment_no", "timepoint", "instrument"),
    Column("instrument_revision", "int", required=True),
    Column("version", "int", required=True),
    Column("item", required=True),
    Column("answer", required=True),
    Column("channel", required=True),
    Column("language", required=True),
    Column("completed_at", "moment", required=True),
    Column("entered_by"),
    Column("correction_reason", "text"),
))

TIMEPOINTS = Table("timepoints.csv", (
    *_key("registry_id", "treatment_no", "timepoint"),
    Column("status", required=True),
    Column("closed_reason", "text"),
))

COMPLICATIONS = Table("complications.csv", (
    *_key("registry_id", "episode_no"),
    Column("treatment_no", "int"),
    Column("category", required=True),
    Column("occurred_on", "date", required=True),
    Column("severity", required=True),
    Column("relatedness", required=True),
    Column("description", "text"),
    Column("reported_by"),
    Column("status"),
    Column("adjudicated_by"),
    Column("adjudication_note", "text"),
))

EVENTS = Table("events.csv", (
    *_key("registry_id", "episode_no"),
    Column("kind", required=True),
    Column("occurred_on", "date", required=True),
    Column("reason", "text"),
    Column("recorded_by"),
))

TABLES = (
    SITES, STAFF, MEMBERSHIPS, PHYSICIANS, PATIENTS, EPISODES, IMAGING, TREATMENTS, RESPONSES, TIMEPOINTS,
    COMPLICATIONS, EVENTS,
)
