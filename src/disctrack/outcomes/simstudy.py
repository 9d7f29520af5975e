"""Simulation study: how the registry's estimators perform against a known truth.

One *replicate* simulates a registry with :func:`.simulate.simulate_cohort` (confounding
by indication, drop-out that depends on earlier scores, subsequent surgery as failure),
runs the estimators the registry publishes, and keeps each estimate, its interval, its
model standard error and the simulator's truth. :func:`summarize` turns many replicates
into the performance measures of Morris, White and Crowther (Stat Med 2019;38:2074,
Table 6), each with its Monte Carlo standard error (MCSE):

* bias, MCSE = SD(estimate - truth) / sqrt(nsim) (EmpSE / sqrt(nsim) when the truth is fixed);
* empirical SE (EmpSE, SD of the estimates), MCSE = EmpSE / sqrt(2 (nsim - 1));
* model SE (ModSE, root mean of the squared model SEs), MCSE = sqrt(Var(SE^2) / (4 nsim ModSE^2));
* coverage of the interval, MCSE = sqrt(coverage (1 - coverage) / nsim).

The truth a coverage is judged against is the estimand's value in the *population treated
at the replicate's clinics*: a registry's figures describe its own clinics, and the
simulator draws each registry's clinic effects anew (they do not shrink with its size:
at 3,000 patients they make about 40% of the variance of the success rates between
replicates). :func:`population_truth` computes it from a twin registry of
:data:`TWIN_N` new patients treated at the same clinics; ``truth`` in a row is that value,
and bias and coverage are judged against it replicate by replicate. The sample truth
(``sample_truth``, over the replicate's own patients' complete data) moves with the
estimate, so a valid 95% interval covers it more often than 95% of the time; its coverage
is reported beside (``coverage_sample``) but not judged. A model SE is the ``se`` the
estimator reports where it has one, otherwise the interval's half-width / z.

No Django; used by ``bench/bench_coverage.py`` and the test suite.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .comparison import TreatmentComparison
from .complications import ComplicationRates
from .definitions import Definitions, load_definitions
from .simulate import simulate_cohort
from .survival import SurgerySurvival
from .timepoints import TimepointOutcomes, TimepointOutcomesResult

CLASSES = ("biologic", "fusion", "disc_replacement", "conservative")
BAND = (0.93, 0.97)
"""Coverage goal for every estimator that uses all treated patients (issue 7)."""
ALL_TREATED = ("MI", "IPW", "AIPW difference", "Kaplan-Meier", "complication rate")
"""Estimators judged against the band; completers only is shown for contrast."""
SCORE_METHODS = {"completers": "completers only", "mi": "MI", "ipw": "IPW"}
MEASURES = {"success": "success", "odi_change": "ODI change"}
TWIN_N = 100_000
"""Patients of the twin registry whose complete data give a replicate's population truth
(Monte Carlo error about 0.008 for the smallest class's success rate, whose variance is
about a fortieth of its estimate's at 3,000 patients)."""
TWIN_SEED = 10**9
"""Added to a replicate's seed to seed its twin."""
COMPLICATION_KINDS = {"any": "any complication", "serious": "serious complication"}


@dataclass
class Replicate:
    """One simulated registry's estimates (``rows``), what could not be run, and its wall
    and CPU time in seconds."""

    seed: int
    n: int
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def run_replicate(seed: int, n: int, *, n_imputations: int | None = None, n_bootstrap: int | None = None,
                  definitions: Definitions | None = None, stop_after_surgery: bool = False) -> Replicate:
    """Simulate registry ``seed`` of ``n`` patients and estimate every figure studied.

    ``stop_after_surgery`` simulates a protocol that stops questionnaires after a
    subsequent surgery (the estimand for scores is then the one that matters most).

    ``n_bootstrap=0`` skips the adjusted comparison (its interval needs the bootstrap).
    A truth the simulator does not give leaves its estimator out, with a note.
    """
    defs = definitions or load_definitions()
    start, cpu = time.perf_counter(), time.process_time()
    patients, followups, complications, truth = simulate_cohort(
        n, seed, confounding=True, informative_dropout=True, surgery=True, stop_after_surgery=stop_after_surgery)
    rep = Replicate(seed, n)
    population = population_truth(truth["site_effects"], seed, stop_after_surgery=stop_after_surgery)
    z = stats.norm.ppf(1 - defs.alpha / 2)
    outcomes = TimepointOutcomes(defs, n_imputations=n_imputations, seed=seed,
                                 levels=("treatment_class",)).fit(patients, followups)
    _timepoint_rows(rep, outcomes, truth, defs.primary_timepoint, z)
    b = defs.n_bootstrap if n_bootstrap is None else n_bootstrap
    if b > 0:
        comparison = TreatmentComparison(defs, by="class", n_bootstrap=b, seed=seed, n_imputations=n_imputations)
        effects = comparison.fit(patients, followups, imputations=outcomes.imputations).effects
        _comparison_rows(rep, effects, truth, z)
    else:
        rep.notes.append("AIPW difference skipped: no bootstrap replicates were asked for")
    _survival_rows(rep, SurgerySurvival(defs).fit(patients).table, truth, z)
    _complication_rows(rep, ComplicationRates(defs).fit(patients, followups, complications).table, truth, z)
    add_truths(rep.rows, population, truth)
    rep.seconds, rep.cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return rep


def population_truth(site_effects, seed: int, *, stop_after_surgery: bool = False) -> dict:
    """The truth of a population treated at clinics with ``site_effects``: the simulator's
    truth over a twin registry of :data:`TWIN_N` new patients (seed ``TWIN_SEED + seed``)."""
    return simulate_cohort(TWIN_N, TWIN_SEED + seed, confounding=True, informative_dropout=True, surgery=True,
                           stop_after_surgery=stop_after_surgery, site_effects=site_effects)[3]


def truth_at(truth: dict, key) -> float:
    """The value at ``key`` (a path such as ``["success", "m12", "fusion"]``), NaN if absent."""
    value: object = truth
    for part in key:
        if not isinstance(value, dict) or part not in value:
            return float("nan")
        value = value[part]
    return float(value) if isinstance(value, int | float | np.floating) else float("nan")


def add_truths(rows: list[dict], population: dict, sample: dict) -> None:
    """Give each row its population ``truth`` and its ``sample_truth``, found by its ``truth_key``."""
    for row in rows:
        row["truth"], row["sample_truth"] = truth_at(population, row["truth_key"]), truth_at(sample, row["truth_key"])


def _add(rep: Replicate, estimator: str, measure: str, group: str, row, key: tuple, z: float,
         n: float, *, est: str = "estimate", low: str = "ci_low", high: str = "ci_high",
         se: str | None = None) -> None:
    ci_low, ci_high = float(row[low]), float(row[high])
    model_se = float(row[se]) if se is not None and se in row else (ci_high - ci_low) / (2 * z)
    rep.rows.append({"estimator": estimator, "measure": measure, "group": group, "n": float(n),
                     "estimate": float(row[est]), "ci_low": ci_low, "ci_high": ci_high, "se": model_se,
                     "truth_key": list(key)})


def _missing(rep: Replicate, truth: dict, key: str, estimator: str) -> bool:
    if key in truth:
        return False
    rep.notes.append(f"{estimator} skipped: the simulator's truth has no {key!r}")
    return True


def _timepoint_rows(rep: Replicate, outcomes: TimepointOutcomesResult, truth: dict, tp: str, z: float) -> None:
    estimates, counts = outcomes.estimates, outcomes.counts
    rows = estimates[(estimates["level"] == "treatment_class") & (estimates["timepoint"] == tp)]
    when = f"{counts.loc[counts['timepoint'] == tp, 'months'].iloc[0]:g} months"
    for measure, label in MEASURES.items():
        if _missing(rep, truth, measure, f"{label} at {when}"):
            continue
        for _, row in rows[rows["measure"] == measure].iterrows():
            if row["method"] in SCORE_METHODS and row["group"] in truth[measure][tp]:
                _add(rep, SCORE_METHODS[row["method"]], f"{label} at {when}", row["group"], row,
                     (measure, tp, row["group"]), z, row["n_used"])


def _comparison_rows(rep: Replicate, effects: pd.DataFrame, truth: dict, z: float) -> None:
    if _missing(rep, truth, "ate", "AIPW difference"):
        return
    se = "se_bootstrap" if "se_bootstrap" in effects.columns else ("se" if "se" in effects.columns else None)
    for _, row in effects.iterrows():
        value = truth["ate"].get(row["measure"], {}).get(row["pair"])
        if value is None:
            rep.notes.append(f"AIPW difference {row['pair']} skipped: no truth for it")
            continue
        _add(rep, "AIPW difference", MEASURES.get(row["measure"], row["measure"]), row["pair"], row,
             ("ate", row["measure"], row["pair"]), z, row["n_a"] + row["n_b"], se=se)


def _survival_rows(rep: Replicate, table: pd.DataFrame, truth: dict, z: float) -> None:
    if _missing(rep, truth, "surgery_free", "Kaplan-Meier"):
        return
    for horizon, by_group in truth["surgery_free"].items():
        for _, row in table[table["horizon_months"] == float(horizon)].iterrows():
            if row["group"] in by_group:
                _add(rep, "Kaplan-Meier", f"surgery-free at {float(horizon):g} months", row["group"], row,
                     ("surgery_free", horizon, row["group"]), z, row["n"], est="km_surgery_free",
                     low="km_ci_low", high="km_ci_high")


def _complication_rows(rep: Replicate, table: pd.DataFrame, truth: dict, z: float) -> None:
    if _missing(rep, truth, "complications", "complication rate"):
        return
    for kind, label in COMPLICATION_KINDS.items():
        by_group = truth["complications"].get(kind, {})
        for _, row in table[(table["kind"] == kind) & (table["value"] == "any")].iterrows():
            if row["group"] in by_group:
                _add(rep, "complication rate", label, row["group"], row, ("complications", kind, row["group"]), z,
                     row["n_treated"], est="rate")


def replicate_frame(replicates: list[Replicate]) -> pd.DataFrame:
    """All replicates' rows in one frame, with their ``seed``."""
    return pd.DataFrame([{"seed": r.seed, **row} for r in replicates for row in r.rows])


def summarize(rows: pd.DataFrame, n_replicates: int, band: tuple[float, float] = BAND,
              mcse_z: float = 1.96) -> pd.DataFrame:
    """Performance per estimator, measure and group over ``n_replicates`` replicates.

    A replicate whose estimate or interval is missing (the registry withheld it, e.g. a
    group too small to compare) counts in ``n_missing`` and not in the measures. ``verdict``
    (estimators in :data:`ALL_TREATED` only) is PASS when the coverage lies within ``band``
    give or take ``mcse_z`` Monte Carlo standard errors, the MCSE taken at the band's
    nearer edge (the MCSE at the observed coverage is 0 when every interval covers).
    """
    out = []
    for (estimator, measure, group), g in rows.groupby(["estimator", "measure", "group"], sort=False):
        ok = g[np.isfinite(g[["estimate", "ci_low", "ci_high", "se", "truth"]]).all(axis=1)]
        sample = ok["sample_truth"] if "sample_truth" in ok else ok["truth"]
        out.append({"estimator": estimator, "measure": measure, "group": group, "n": float(g["n"].mean()),
                    "truth": float(g["truth"].mean()), "n_missing": n_replicates - len(ok),
                    **performance(ok["estimate"], ok["ci_low"], ok["ci_high"], ok["se"], ok["truth"], sample)})
    table = pd.DataFrame(out)
    judged = table["estimator"].isin(ALL_TREATED) & (table["n_valid"] >= 2)
    low, high = band
    slack = {edge: mcse_z * np.sqrt(edge * (1 - edge) / table["n_valid"].clip(lower=1)) for edge in band}
    inside = (table["coverage"] >= low - slack[low]) & (table["coverage"] <= high + slack[high])
    table["verdict"] = np.where(~judged, "-", np.where(inside, "PASS", "FAIL"))
    return table


def performance(estimate, ci_low, ci_high, se, truth, sample_truth) -> dict[str, float]:
    """Morris et al. (2019) Table 6 measures against each replicate's ``truth`` (a number
    when it is the same in all), with their MCSEs; ``sample_truth`` only for
    ``coverage_sample``."""
    est, low, high = (np.asarray(v, dtype=float) for v in (estimate, ci_low, ci_high))
    se2, own = np.asarray(se, dtype=float) ** 2, np.asarray(sample_truth, dtype=float)
    truth = np.broadcast_to(np.asarray(truth, dtype=float), est.shape)
    k = len(est)
    if k < 2:
        return {"n_valid": k, **dict.fromkeys(
            ("bias", "bias_mcse", "emp_se", "emp_se_mcse", "model_se", "model_se_mcse", "coverage",
             "coverage_mcse", "coverage_sample"), np.nan)}
    emp_se = est.std(ddof=1)
    model_se = np.sqrt(se2.mean())
    covered = (low <= truth) & (truth <= high)
    cov = covered.mean()
    return {"n_valid": k, "bias": (est - truth).mean(), "bias_mcse": (est - truth).std(ddof=1) / np.sqrt(k),
            "emp_se": emp_se, "emp_se_mcse": emp_se / np.sqrt(2 * (k - 1)),
            "model_se": model_se,
            "model_se_mcse": np.sqrt(se2.var(ddof=1) / (4 * k * model_se**2)) if model_se > 0 else np.nan,
            "coverage": cov, "coverage_mcse": np.sqrt(cov * (1 - cov) / k),
            "coverage_sample": ((low <= own) & (own <= high)).mean()}
