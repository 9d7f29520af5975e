"""De-identification by the HIPAA Safe Harbor method (45 CFR 164.514(b)(2)): the one set of rules.

`deidentified_files(sites, user=...)` gives the files of a de-identified export, built from the
rows of the ordinary export (`export_rows`) with every Safe Harbor identifier taken out. The
command line (`disctrack export --deidentified`) writes them; a web download or an API view
should call the same function with the sites the user may read and `request.user`.

The rules (docs/import-format.md, "De-identified export"):

- Patients are named by a random study id (`StudyKey`, kept in the registry, never exported).
  The registry id, names, date of birth, record number, e-mail, phone and postal code are
  left out; staff user names (who entered, reported, adjudicated or recorded a row) too, and
  physicians become `P1`, `P2`, ... numbered for this export.
- Every date becomes `<what>_days_from_index`: days from the patient's index treatment (its
  first, by date), negative before it; a moment (enrolment, completion) is first read as a
  date in the site's timezone. A patient with no index treatment gets `<what>_year` instead.
  The year of the index treatment itself is `index_treatment_year`.
- Age is `age_at_index_treatment` in whole years and `birth_year`; a patient who is 90 or
  older at the index treatment or on the day of the export has both written `90 or older`.
- A US postal code (patient at a site in a US timezone, code of 5 digits or ZIP+4) becomes its
  first three digits, or `000` for the areas of 20,000 or fewer people
  (`data/restricted_zip3.csv`); every other postal code is left out.
- Every column typed by people (the format's `text` columns: notes, reasons, descriptions,
  implants, site names) is left out, unless free text is asked for by a user whose role at
  every exported site allows seeing identity; free text is then copied as typed and the files
  are no longer de-identified until someone has read it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from django.db.models import QuerySet

from disctrack.interop import export_rows
from disctrack.interop.columns import write_cell
from disctrack.interop.csv_format import (
    COMPLICATIONS,
    EPISODES,
    EVENTS,
    IMAGING,
    PATIENTS,
    RESPONSES,
    SITES,
    TIMEPOINTS,
    TREATMENTS,
    Table,
)
from disctrack.interop.errors import ExportRefused
from disctrack.interop.models import StudyKey
from disctrack.registry.access import IDENTITY, allows, membership_at
from disctrack.registry.choices import IDENTITY_ROLES, TreatmentRole
from disctrack.registry.models import Patient, Site, Treatment
from disctrack.registry.models.patients import latest_date_anywhere

OLDEST_AGE = 90
AGE_90_OR_OLDER = "90 or older"
RESTRICTED_ZIP3_AREA = "000"

# Staff user names: who entered, reported, adjudicated or recorded a row.
STAFF_COLUMNS = frozenset({"entered_by", "reported_by", "adjudicated_by", "recorded_by"})

# Canonical IANA zones of the United States (country US in the tz database's zone.tab). A site
# on any other zone, or on a US alias such as US/Eastern, has its patients' postal codes left
# out rather than kept: a Spanish postal code is also five digits.
US_TIMEZONES = frozenset({
    "America/Adak", "America/Anchorage", "America/Boise", "America/Chicago", "America/Denver",
    "America/Detroit", "America/Indiana/Indianapolis", "America/Indiana/Knox",
    "America/Indiana/Marengo", "America/Indiana/Petersburg", "America/Indiana/Tell_City",
    "America/Indiana/Vevay", "America/Indiana/Vincennes", "America/Indiana/Winamac",
    "America/Juneau", "America/Kentucky/Louisville", "America/Kentucky/Monticello",
    "America/Los_Angeles", "America/Menominee", "America/Metlakatla", "America/New_York",
    "America/Nome", "America/North_Dakota/Beulah", "America/North_Dakota/Center",
    "America/North_Dakota/New_Salem", "America/Phoenix", "America/Sitka", "America/Yakutat",
    "Pacific/Honolulu",
})


@cache
def restricted_zip3() -> frozenset[str]:
    """The three-digit ZIP areas of 20,000 or fewer people (data/restricted_zip3.csv)."""
    text = resources.files("disctrack.interop").joinpath("data/restricted_zip3.csv").read_text(
        encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    return frozenset(line for line in lines if line and not line.startswith("#") and line != "zip3")


def zip3(postal_code: str, site_timezone: str) -> str:
    """The first three digits of a US ZIP code, `000` for a restricted area, else empty."""
    code = postal_code.strip()
    if site_timezone not in US_TIMEZONES or not _is_us_zip(code):
        return ""
    return RESTRICTED_ZIP3_AREA if code[:3] in restricted_zip3() else code[:3]


def _is_us_zip(code: str) -> bool:
    digits = code.replace("-", "", 1) if len(code) == 10 and code[5] == "-" else code
    return len(digits) in (5, 9) and digits.isascii() and digits.isdigit()


def age_on(born: date, day: date) -> int:
    return day.year - born.year - int((day.month, day.day) < (born.month, born.day))


def age_elements(born: date, index: date | None, today: date) -> tuple[Any, Any]:
    """(birth_year, age_at_index_treatment), both `90 or older` for a patient that old at the
    index treatment or today (a year of birth, or an age plus the intervals after it, would
    otherwise tell an age over 89)."""
    at_index = age_on(born, index) if index is not None else None
    if age_on(born, today) >= OLDEST_AGE or (at_index is not None and at_index >= OLDEST_AGE):
        return AGE_90_OR_OLDER, AGE_90_OR_OLDER if index is not None else None
    return born.year, at_index


@dataclass(frozen=True)
class PatientFacts:
    """What the rules need to know about one patient."""

    study_id: str
    site: str
    index: date | None  # the index treatment's date: day 0 of every interval
    zone: zoneinfo.ZoneInfo

    def day(self, value: date | datetime) -> date:
        return value.astimezone(self.zone).date() if isinstance(value, datetime) else value

    def days_from_index(self, value: date | datetime | None) -> int | None:
        if value is None or self.index is None:
            return None
        return (self.day(value) - self.index).days

    def year(self, value: date | datetime | None) -> int | None:
        return None if value is None or self.index is not None else self.day(value).year


@dataclass(frozen=True)
class DeidentifiedFile:
    """One file of a de-identified export: its name, columns and rows of cell texts."""

    name: str
    columns: tuple[str, ...]
    rows: list[list[str]]


Rule = Callable[[dict[str, Any], PatientFacts], Any]


def deidentified_files(sites: QuerySet[Site], *, user=None,
                       include_free_text: bool = False) -> list[DeidentifiedFile]:
    """The de-identified files for these sites; raises ExportRefused when `user` may not have them.

    `user` is who the files are for (None: the command line, which runs as the operator).
    Free text needs a user whose role at every site allows seeing identity. Patients without a
    study id get one, so the caller's transaction must allow writes. Read inside one
    transaction (the exporter's consistent read) for files that agree with each other.
    """
    check_allowed(user, sites, include_free_text)
    scope = export_rows.Scope(sites)
    facts = _patient_facts(scope)
    physicians = _PhysicianCodes()
    files = []
    for table, rows, extra in (
        (SITES, export_rows.site_rows(scope), None),
        (PATIENTS, export_rows.patient_rows(scope), _patient_extras),
        (EPISODES, export_rows.episode_rows(scope), None),
        (IMAGING, export_rows.imaging_rows(scope), None),
        (TREATMENTS, export_rows.treatment_rows(scope), None),
        (RESPONSES, export_rows.response_rows(scope), None),
        (TIMEPOINTS, export_rows.timepoint_rows(scope), None),
        (COMPLICATIONS, export_rows.complication_rows(scope), None),
        (EVENTS, export_rows.event_rows(scope), None),
    ):
        plan = _plan(table, include_free_text, physicians) + (extra or [])
        if "registry_id" in table.names:
            rows = sorted(rows, key=lambda row: facts[row["registry_id"]].study_id)
        files.append(DeidentifiedFile(
            table.file, tuple(name for name, _ in plan),
            [[write_cell(rule(row, facts.get(row.get("registry_id")))) for _, rule in plan]
             for row in rows]))
    return files


def check_allowed(user, sites: Iterable[Site], include_free_text: bool) -> None:
    """Refuse (ExportRefused) a user without a role at every site, or free text for a user
    whose role somewhere does not allow seeing identity, or for no user at all."""
    if include_free_text and user is None:
        raise ExportRefused("free text can be included only for a named staff user (--as "
                            "USERNAME) whose role at every exported site allows seeing identity")
    if user is None:
        return
    name = user.get_username()
    for site in sites:
        membership = membership_at(user, site.id)
        if membership is None:
            raise ExportRefused(f"{name} has no role at site {site.code!r} (or the account "
                                "is not active)")
        if include_free_text and not allows(membership, IDENTITY):
            allowed = ", ".join(sorted(IDENTITY_ROLES))
            raise ExportRefused(
                f"{name} may not include free text: the role {membership.role} at site "
                f"{site.code!r} does not allow seeing identity, and free text (notes, reasons, "
                f"descriptions) may name or date the patient; allowed roles: {allowed}")


def study_ids(patients: QuerySet[Patient]) -> dict[int, str]:
    """Each patient's study id by database id, made for patients that have none yet."""
    known = dict(StudyKey.objects.filter(patient__in=patients).values_list("patient_id", "study_id"))
    missing = [pk for pk in patients.values_list("id", flat=True) if pk not in known]
    if missing:
        StudyKey.objects.bulk_create([StudyKey(patient_id=pk) for pk in missing],
                                     ignore_conflicts=True)
        known = dict(StudyKey.objects.filter(patient__in=patients)
                     .values_list("patient_id", "study_id"))
        if any(pk not in known for pk in missing):
            raise ExportRefused("another export was giving these patients study ids at the same "
                                "time; run the export again")
    return known


def _patient_facts(scope: export_rows.Scope) -> dict[str, PatientFacts]:
    keys = study_ids(scope.patients)
    index: dict[int, date] = {}
    first_treatments = Treatment.objects.filter(
        episode__patient__in=scope.patients, role=TreatmentRole.INDEX,
    ).order_by("performed_on", "id").values_list("episode__patient_id", "performed_on")
    for patient_id, performed_on in first_treatments:
        index.setdefault(patient_id, performed_on)
    return {patient.registry_id: PatientFacts(keys[patient.id], patient.site.code,
                                              index.get(patient.id), patient.site.zone)
            for patient in scope.patients.select_related("site")}


class _PhysicianCodes:
    """P1, P2, ... in the order physicians first appear in the rows (ordered by random study
    ids), so the codes say nothing about names."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], str] = {}

    def rule(self, row: dict[str, Any], facts: PatientFacts) -> str:
        # A physician's name is unique within a site; a patient is treated at their own site.
        return self.codes.setdefault((facts.site, row["physician"]), f"P{len(self.codes) + 1}")


def _plan(table: Table, include_free_text: bool,
          physicians: _PhysicianCodes) -> list[tuple[str, Rule]]:
    """The de-identified columns of a table and the rule that fills each."""
    plan: list[tuple[str, Rule]] = []
    for column in table.columns:
        name = column.name
        if name == "registry_id":
            plan.append(("study_id", lambda row, facts: facts.study_id))
        elif column.identity or name in STAFF_COLUMNS:
            continue
        elif name == "physician":
            plan.append((name, physicians.rule))
        elif column.kind in ("date", "moment"):
            stem = name.removesuffix("_on").removesuffix("_at")
            plan.append((f"{stem}_days_from_index", _dated(name, PatientFacts.days_from_index)))
            plan.append((f"{stem}_year", _dated(name, PatientFacts.year)))
        elif column.kind != "text" or include_free_text:
            plan.append((name, _copied(name)))
    return plan


def _copied(name: str) -> Rule:
    return lambda row, facts: row.get(name)


def _dated(name: str, element: Callable[[PatientFacts, Any], Any]) -> Rule:
    return lambda row, facts: element(facts, row.get(name))


def _age(position: int) -> Rule:
    def rule(row: dict[str, Any], facts: PatientFacts) -> Any:
        return age_elements(row["date_of_birth"], facts.index, latest_date_anywhere())[position]
    return rule


_patient_extras: list[tuple[str, Rule]] = [
    ("sex", _copied("sex")),
    ("birth_year", _age(0)),
    ("age_at_index_treatment", _age(1)),
    ("index_treatment_year", lambda row, facts: facts.index.year if facts.index else None),
    ("zip3", lambda row, facts: zip3(row.get("postal_code") or "", facts.zone.key)),
]
