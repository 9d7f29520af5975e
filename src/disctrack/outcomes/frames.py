"""The input contract: the three data frames every estimator in this package reads.

Django code elsewhere builds these frames from the database; this module only says what
they must look like and checks them. All estimators call :func:`check_frames` before doing
anything, so a malformed frame fails early with a message naming the column and the rows.

Frames
------
patients
    One row per treated patient (the index treatment of an episode). See
    :data:`PATIENT_COLUMNS`.
followups
    One row per patient and time point that is due (long format). See
    :data:`FOLLOWUP_COLUMNS`.
complications
    One row per complication. See :data:`COMPLICATION_COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

TREATMENTS: dict[str, str] = {
    "msc": "biologic",
    "bmc": "biologic",
    "prp": "biologic",
    "other_biologic": "biologic",
    "fusion": "fusion",
    "disc_replacement": "disc_replacement",
    "conservative": "conservative",
}
"""Treatment code -> treatment class."""

TREATMENT_CLASSES: tuple[str, ...] = ("biologic", "fusion", "disc_replacement", "conservative")
FOLLOWUP_STATUSES = ("answered", "missed", "stopped", "pending", "withdrawn", "dead", "not_due")
"""``stopped``: the protocol stopped follow-up (after a subsequent surgery) and the window has
closed; the patient is due (the surgery is a known outcome) but was not asked."""
CHANNELS = ("web", "paper", "phone", "staff")
SEVERITIES = ("mild", "moderate", "severe", "life_threatening", "fatal")
RELATEDNESS = ("unrelated", "unlikely", "possible", "probable", "definite")
SCORES = ("odi", "nrs_back", "nrs_leg", "eq5d_index_us", "pgic")


@dataclass(frozen=True)
class Column:
    """One expected column.

    kind is one of ``str``, ``float``, ``int``, ``bool``, ``date``. ``allowed`` limits the
    values of a string column; ``low``/``high`` bound a numeric one (inclusive).
    """

    name: str
    kind: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    low: float | None = None
    high: float | None = None


PATIENT_COLUMNS: tuple[Column, ...] = (
    Column("patient_id", "str"),
    Column("site", "str"),
    Column("physician", "str"),
    Column("treatment", "str", allowed=tuple(TREATMENTS)),
    Column("treatment_class", "str", allowed=TREATMENT_CLASSES),
    Column("treatment_date", "date"),
    Column("age", "float", nullable=True, low=0, high=120),
    Column("sex", "str", nullable=True, allowed=("female", "male", "other")),
    Column("bmi", "float", nullable=True, low=10, high=90),
    Column("smoker", "bool", nullable=True),
    Column("symptom_months", "float", nullable=True, low=0, high=1200),
    Column("baseline_odi", "float", nullable=True, low=0, high=100),
    Column("baseline_nrs_back", "float", nullable=True, low=0, high=10),
    Column("baseline_nrs_leg", "float", nullable=True, low=0, high=10),
    Column("pfirrmann_max", "int", nullable=True, low=1, high=5),
    Column("modic", "int", nullable=True, low=0, high=3),
    Column("n_levels", "int", nullable=True, low=1, high=10),
    Column("prior_surgery", "bool", nullable=True),
    Column("working", "bool", nullable=True),
    Column("opioid_use", "bool", nullable=True),
    Column("surgery_date", "date", nullable=True),
    Column("death_date", "date", nullable=True),
    Column("withdrawal_date", "date", nullable=True),
    # The date staff recorded the patient as lost to follow-up (NaT when not recorded).
    Column("lost_date", "date", nullable=True),
    # The last date the registry knew whether the patient had had a subsequent surgery: an
    # answered questionnaire, a call that reached the patient, a clinic visit or treatment,
    # a recorded death or withdrawal, or a "status known up to" date staff recorded (not a
    # recorded loss: that says only that news stopped, months after the last contact).
    # Surgery-free survival is censored here.
    Column("status_known_date", "date"),
)

FOLLOWUP_COLUMNS: tuple[Column, ...] = (
    Column("patient_id", "str"),
    Column("timepoint", "str"),
    Column("months", "float", low=0, high=1200),
    Column("status", "str", allowed=FOLLOWUP_STATUSES),
    Column("channel", "str", nullable=True, allowed=CHANNELS),
    Column("odi", "float", nullable=True, low=0, high=100),
    Column("nrs_back", "float", nullable=True, low=0, high=10),
    Column("nrs_leg", "float", nullable=True, low=0, high=10),
    Column("eq5d_index_us", "float", nullable=True, low=-1, high=1),
    Column("pgic", "float", nullable=True, low=1, high=7),
)

COMPLICATION_COLUMNS: tuple[Column, ...] = (
    Column("patient_id", "str"),
    Column("category", "str"),
    Column("severity", "str", allowed=SEVERITIES),
    Column("related", "str", allowed=RELATEDNESS),
    Column("date", "date", nullable=True),
)

CASE_MIX: tuple[str, ...] = (
    "age", "sex", "bmi", "smoker", "symptom_months", "baseline_odi", "baseline_nrs_back",
    "pfirrmann_max", "modic", "n_levels", "prior_surgery", "working", "opioid_use",
)
"""Baseline covariates used for adjustment, imputation and candidacy."""


class FrameError(ValueError):
    """An input frame does not follow the contract; the message lists every problem."""


def _examples(ids: pd.Series, limit: int = 5) -> str:
    shown = ", ".join(str(v) for v in ids.iloc[:limit])
    return shown + (", ..." if len(ids) > limit else "")


def _check_column(frame: pd.DataFrame, name: str, col: Column, key: str) -> list[str]:
    values = frame[col.name]
    missing = values.isna()
    where = f"{name}.{col.name}"
    problems = []
    if missing.any() and not col.nullable:
        problems.append(f"{where} is missing in {int(missing.sum())} rows "
                        f"({key}: {_examples(frame.loc[missing, key])})")
    present = values[~missing]
    if col.kind == "date":
        if not pd.api.types.is_datetime64_any_dtype(values):
            problems.append(f"{where} must be datetime64 (use pd.to_datetime), got {values.dtype}")
        return problems
    if col.kind == "bool":
        bad = ~present.isin([True, False])
        if bad.any():
            problems.append(f"{where} must be True/False, got {_examples(present[bad])}")
        return problems
    if col.kind == "str":
        if col.allowed is not None:
            bad = ~present.isin(col.allowed)
            if bad.any():
                problems.append(f"{where} has unknown values {_examples(present[bad].drop_duplicates())};"
                                f" allowed: {', '.join(col.allowed)}")
        return problems
    numeric = pd.to_numeric(present, errors="coerce")
    if numeric.isna().any() or values.dtype == bool:
        return problems + [f"{where} must be numeric, got {values.dtype}"]
    if col.kind == "int" and (numeric != np.round(numeric)).any():
        problems.append(f"{where} must hold whole numbers")
    for bound, outside in ((col.low, numeric < (col.low or 0)), (col.high, numeric > (col.high or 0))):
        if bound is not None and outside.any():
            problems.append(f"{where} outside [{col.low}, {col.high}] in {int(outside.sum())} rows "
                            f"({key}: {_examples(frame.loc[outside[outside].index, key])})")
    return problems


def _check_frame(frame: object, name: str, columns: Sequence[Column]) -> list[str]:
    if not isinstance(frame, pd.DataFrame):
        return [f"{name} must be a pandas DataFrame, got {type(frame).__name__}"]
    absent = [c.name for c in columns if c.name not in frame.columns]
    if absent:
        return [f"{name} lacks columns: {', '.join(absent)}"]
    problems: list[str] = []
    for col in columns:
        problems += _check_column(frame, name, col, "patient_id")
    return problems


def _check_patients(patients: pd.DataFrame) -> list[str]:
    problems = []
    dup = patients["patient_id"].duplicated()
    if dup.any():
        problems.append(f"patients.patient_id is not unique: {_examples(patients.loc[dup, 'patient_id'])}")
    expected = patients["treatment"].map(TREATMENTS)
    wrong = expected.notna() & (expected != patients["treatment_class"])
    if wrong.any():
        problems.append("patients.treatment_class does not match treatment for "
                        f"{_examples(patients.loc[wrong, 'patient_id'])}")
    start = patients["treatment_date"]
    for col in ("surgery_date", "death_date", "withdrawal_date", "lost_date", "status_known_date"):
        before = patients[col] < start
        if before.any():
            problems.append(f"patients.{col} is before treatment_date for "
                            f"{_examples(patients.loc[before, 'patient_id'])}")
    return problems


def _check_links(patients: pd.DataFrame, other: pd.DataFrame, name: str) -> list[str]:
    unknown = ~other["patient_id"].isin(patients["patient_id"])
    if unknown.any():
        return [f"{name}.patient_id not in patients: {_examples(other.loc[unknown, 'patient_id'])}"]
    return []


def check_frames(patients: pd.DataFrame, followups: pd.DataFrame,
                 complications: pd.DataFrame | None = None) -> None:
    """Check the three frames against the input contract.

    Parameters
    ----------
    patients, followups, complications
        Frames as described in the module docstring. ``complications`` may be None when
        an estimator does not use it.

    Raises
    ------
    FrameError
        Listing every problem found (missing columns, wrong types, unknown codes,
        out-of-range values, duplicate ids, dates before treatment, dangling ids).
    """
    problems = _check_frame(patients, "patients", PATIENT_COLUMNS)
    problems += _check_frame(followups, "followups", FOLLOWUP_COLUMNS)
    if complications is not None:
        problems += _check_frame(complications, "complications", COMPLICATION_COLUMNS)
    if not problems:
        problems += _check_patients(patients)
        problems += _check_links(patients, followups, "followups")
        dup = followups.duplicated(["patient_id", "timepoint"])
        if dup.any():
            problems.append("followups has repeated (patient_id, timepoint) rows for "
                            f"{_examples(followups.loc[dup, 'patient_id'])}")
        if complications is not None:
            problems += _check_links(patients, complications, "complications")
    if problems:
        raise FrameError("invalid input frames:\n- " + "\n- ".join(problems))
