"""Numeric encoding of the baseline case-mix for regression models.

Missing covariates are handled by the missing-indicator method: the value is filled with
the median seen when the encoder was fitted and a 0/1 column ``<name>_missing`` is added.
This keeps every patient in the models. It is unbiased for propensity weighting when
missingness itself is what drives treatment choice, but it can bias an outcome model when
the covariate is missing at random and strongly prognostic (Groenwold et al. CMAJ 2012).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import CASE_MIX

SEX_LEVELS = ("male", "other")


class CovariateEncoder:
    """Fit on the registry, then encode any frame (including one new patient) the same way.

    Parameters
    ----------
    columns : sequence of str
        Case-mix columns of the patients frame (default :data:`frames.CASE_MIX`).
    """

    def __init__(self, columns: tuple[str, ...] = CASE_MIX) -> None:
        self.columns = tuple(columns)

    def fit(self, patients: pd.DataFrame) -> CovariateEncoder:
        numeric = [c for c in self.columns if c != "sex"]
        values = patients[numeric].astype(float)
        medians = values.median()
        self.medians_ = medians.fillna(0.0)
        self.with_indicator_ = [c for c in numeric if values[c].isna().any()]
        self.names_ = self._names()
        return self

    def _names(self) -> list[str]:
        names = [c for c in self.columns if c != "sex"]
        if "sex" in self.columns:
            names += [f"sex_{level}" for level in SEX_LEVELS] + ["sex_missing"]
        return names + [f"{c}_missing" for c in self.with_indicator_]

    def transform(self, patients: pd.DataFrame) -> pd.DataFrame:
        """Return a float frame with columns :attr:`names_`, index as given."""
        numeric = [c for c in self.columns if c != "sex"]
        raw = patients.reindex(columns=numeric).astype(float)
        out = raw.fillna(self.medians_)
        if "sex" in self.columns:
            sex = patients["sex"] if "sex" in patients else pd.Series(np.nan, index=patients.index)
            for level in SEX_LEVELS:
                out[f"sex_{level}"] = (sex == level).astype(float)
            out["sex_missing"] = sex.isna().astype(float)
        for c in self.with_indicator_:
            out[f"{c}_missing"] = raw[c].isna().astype(float)
        return out[self.names_]

    def fit_transform(self, patients: pd.DataFrame) -> pd.DataFrame:
        return self.fit(patients).transform(patients)
