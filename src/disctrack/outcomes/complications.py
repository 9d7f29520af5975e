"""Complication rates per treatment group, by category and by severity.

A rate is the number of treated patients with at least one complication of that kind
divided by the number treated in the group (patients, not events; the event count is
reported beside it). Intervals are exact Clopper-Pearson. Rates depend on how hard
complications were looked for: compare sites or treatments only when reporting is
equally complete. Complications with no date are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .definitions import Definitions, load_definitions
from .frames import SEVERITIES, check_frames
from .intervals import clopper_pearson
from .results import jsonable

SERIOUS = ("severe", "life_threatening", "fatal")


@dataclass
class ComplicationRatesResult:
    """``table`` columns: group, kind (category/severity/any/serious), value, n_patients,
    n_events, n_treated, rate, ci_low, ci_high."""

    definitions: Definitions
    level: str
    table: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"definitions": self.definitions.stamp(), "level": self.level,
                         "denominator": "treated patients", "interval": "Clopper-Pearson exact",
                         "table": self.table})


class ComplicationRates:
    """Per-group complication rates with exact intervals."""

    def __init__(self, definitions: Definitions | None = None, *, level: str = "treatment_class") -> None:
        self.definitions = definitions or load_definitions()
        self.level = level

    def fit(self, patients: pd.DataFrame, followups: pd.DataFrame,
            complications: pd.DataFrame) -> ComplicationRatesResult:
        check_frames(patients, followups, complications)
        group_of = patients.set_index("patient_id")[self.level]
        treated = group_of.value_counts()
        events = complications.assign(group=complications["patient_id"].map(group_of),
                                      any="any", serious=complications["severity"].isin(SERIOUS))
        parts = []
        for kind, column, frame in (("any", "any", events), ("serious", "any", events[events["serious"]]),
                                    ("category", "category", events), ("severity", "severity", events)):
            counts = frame.groupby(["group", column]).agg(n_patients=("patient_id", "nunique"),
                                                          n_events=("patient_id", "size"))
            parts.append(counts.rename_axis(["group", "value"]).reset_index().assign(kind=kind))
        table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        grid = self._grid(treated.index, events)
        table = grid.merge(table, on=["group", "kind", "value"], how="left").fillna(
            {"n_patients": 0, "n_events": 0})
        table["n_treated"] = table["group"].map(treated).astype(int)
        table[["n_patients", "n_events"]] = table[["n_patients", "n_events"]].astype(int)
        table["rate"] = table["n_patients"] / table["n_treated"]
        low, high = clopper_pearson(table["n_patients"], table["n_treated"], self.definitions.alpha)
        table["ci_low"], table["ci_high"] = low, high
        return ComplicationRatesResult(self.definitions, self.level, table)

    @staticmethod
    def _grid(groups: pd.Index, events: pd.DataFrame) -> pd.DataFrame:
        """Every group x kind x value, so zero counts show as zero rather than vanish."""
        values = [("any", "any"), ("serious", "any")]
        values += [("category", c) for c in sorted(events["category"].unique())]
        values += [("severity", s) for s in SEVERITIES]
        return pd.DataFrame([{"group": g, "kind": k, "value": v} for g in sorted(groups) for k, v in values])
