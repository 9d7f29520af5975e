"""Synthetic registry cohorts with a known truth, for tests, benchmarks and demos.

Every patient gets potential outcomes under every treatment from shared noise, so the
truth of each estimand (success rate per treatment at a time point among the patients due
there, average treatment effects) is known exactly for the simulated sample.

Mechanisms, each switchable:

* confounding by indication: worse baseline ODI, Pfirrmann grade, Modic change and more
  levels make fusion more likely and conservative care less likely; the same variables
  lower the expected improvement, so crude comparisons are biased;
* informative drop-out: the chance of missing a questionnaire rises with the patient's
  last observed ODI (missing at random given earlier scores, so MI and response
  weighting can recover the truth while completers look too good);
* subsequent surgery: more likely after a poor response, counted as failure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from .cohort import DAYS_PER_MONTH, DUE_STATUSES
from .frames import TREATMENTS

TIMEPOINTS = {"m3": 3.0, "m6": 6.0, "m12": 12.0, "m24": 24.0, "m36": 36.0}
AS_OF = pd.Timestamp("2025-06-30")
PLATEAU = {"conservative": 18.0, "prp": 28.0, "bmc": 34.0, "msc": 38.0, "other_biologic": 30.0,
           "fusion": 42.0, "disc_replacement": 44.0}
PFIRRMANN_SLOPE = {"conservative": -3.0, "prp": -8.0, "bmc": -8.0, "msc": -7.0,
                   "other_biologic": -8.0, "fusion": 3.0, "disc_replacement": -4.0}
SURGERY_RATE = {"conservative": 0.006, "prp": 0.005, "bmc": 0.0045, "msc": 0.0045,
                "other_biologic": 0.005, "fusion": 0.002, "disc_replacement": 0.002}
COMPLICATION_RATE = {"biologic": 0.06, "fusion": 0.25, "disc_replacement": 0.2, "conservative": 0.01}
CATEGORIES = ("infection", "dural_tear", "neurological", "procedural_pain", "vte", "other")
SEVERITY_SHARES = {"mild": 0.55, "moderate": 0.3, "severe": 0.12, "life_threatening": 0.025, "fatal": 0.005}
SERIOUS_SHARE = SEVERITY_SHARES["severe"] + SEVERITY_SHARES["life_threatening"] + SEVERITY_SHARES["fatal"]
SURVIVAL_HORIZONS = (12.0, 24.0)
SITES = {"S01": 0.25, "S02": 0.2, "S03": 0.15, "S04": 0.1, "S05": 0.1, "S06": 0.08, "S07": 0.07, "S08": 0.05}
"""The simulated network's eight clinics and their shares of patients."""
REACHED_BY_CALL = 0.5
"""Chance that a call reaches a patient who missed a questionnaire (the surgery status is then known)."""


def _case_mix(rng: np.random.Generator, n: int) -> pd.DataFrame:
    age = np.clip(rng.normal(45, 11, n), 18, 85)
    bodi = np.clip(rng.normal(47, 13, n), 12, 92)
    pfirrmann = np.clip(np.round(rng.normal(3.6, 0.8, n)), 2, 5)
    return pd.DataFrame({
        "age": age, "sex": rng.choice(["female", "male", "other"], n, p=[0.52, 0.47, 0.01]),
        "bmi": np.clip(rng.normal(27.5, 4.5, n), 17, 50), "smoker": rng.random(n) < 0.22,
        "symptom_months": np.round(rng.lognormal(3.0, 0.6, n), 1), "true_odi": bodi,
        "baseline_nrs_back": np.clip(np.round(1.5 + bodi / 11 + rng.normal(0, 1.1, n)), 0, 10),
        "baseline_nrs_leg": np.clip(np.round(rng.normal(3.5, 2, n)), 0, 10),
        "pfirrmann_max": pfirrmann, "modic": rng.choice([0, 1, 2, 3], n, p=[0.55, 0.3, 0.12, 0.03]),
        "n_levels": rng.choice([1, 2, 3], n, p=[0.6, 0.3, 0.1]), "prior_surgery": rng.random(n) < 0.15,
        "working": rng.random(n) < 0.6, "opioid_use": rng.random(n) < 0.3,
    })


def _assign(rng: np.random.Generator, x: pd.DataFrame, confounding: bool) -> tuple[np.ndarray, np.ndarray]:
    n = len(x)
    c = 1.0 if confounding else 0.0
    sev = (x["true_odi"] - 47) / 13 + (x["pfirrmann_max"] - 3.6) / 0.8 + 0.6 * x["modic"] + 0.5 * (x["n_levels"] - 1)
    logits = np.column_stack([
        np.zeros(n),
        -0.8 + c * (0.9 * sev - 0.02 * (x["age"] - 45)),
        -2.0 + c * (0.3 * sev - 0.05 * (x["age"] - 45)),
        0.2 - c * 0.8 * sev,
    ])
    classes = np.array(["biologic", "fusion", "disc_replacement", "conservative"])
    cls = classes[_draw(rng, logits)]
    kinds = np.array(["msc", "bmc", "prp", "other_biologic"])
    bio = np.column_stack([np.zeros(n), np.full(n, 0.2), 0.3 - c * 0.5 * sev, np.full(n, -2.5)])
    would_be = kinds[_draw(rng, bio)]
    return np.where(cls == "biologic", would_be, cls), would_be


def _draw(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    return (rng.random(len(logits))[:, None] > cum).sum(axis=1)


def _plateau(x: pd.DataFrame, treatment: str, site_effect: np.ndarray, noise: np.ndarray) -> np.ndarray:
    return (PLATEAU[treatment] + PFIRRMANN_SLOPE[treatment] * (x["pfirrmann_max"].to_numpy() - 3.6)
            - 0.25 * (x["true_odi"].to_numpy() - 47) - 5 * x["smoker"].to_numpy()
            - 6 * x["opioid_use"].to_numpy() - 0.15 * (x["age"].to_numpy() - 45) - 2.5 * x["modic"].to_numpy()
            + site_effect + noise)


def _odi(bodi, plateau, months, surgery_months, tp_noise, post_noise) -> np.ndarray:
    pct = plateau * (1 - np.exp(-months / 2.5))
    pct = np.where(surgery_months <= months, 35 + post_noise, pct)
    return np.round(np.clip(bodi * (1 - pct / 100) + tp_noise, 0, 100))


def simulate_cohort(n: int, seed: int, *, confounding: bool = True, informative_dropout: bool = True,
                    surgery: bool = True, stop_after_surgery: bool = False,
                    site_effects: np.ndarray | None = None,
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Simulate ``n`` treated patients with their follow-ups and complications.

    Returns
    -------
    patients, followups, complications : DataFrame
        Frames following :mod:`disctrack.outcomes.frames`.
    truth : dict
        ``success`` and ``responder`` per time point and group (treatment and treatment
        class) over the patients due there, and ``odi_change`` over those due and free of
        subsequent surgery by then, from the complete data; ``ate`` with ``success`` and
        ``odi_change`` (a surgery counted as no change) differences "a - b" at m12 for class pairs (all due patients) and
        biologic-type pairs (due biologic patients); ``surgery_free[h][group]``, the share
        of treated patients whose surgery time exceeds ``h`` months (no death or loss);
        ``complications["any" | "serious"][class]``, the expected share of treated patients
        with at least one (serious) complication; ``complete_odi[tp]``, every patient's ODI
        at ``tp`` under the treatment given, answered or not (in ``patients`` order);
        ``site_effects``, the eight clinics' effects on the ODI plateau.

    The clinics' effects (normal, SD 3 ODI points) are drawn per registry: they do not
    shrink with the number of patients, so a registry's figures describe its own clinics,
    and a simulation study judges them against the truth of a population treated at the
    same clinics (``site_effects`` given: the same effects, with new patients; the stream
    of random numbers is otherwise the one the seed gives).

    ``stop_after_surgery`` stops the questionnaires of a patient once the registry knows of
    a subsequent surgery (status ``stopped``), as protocols that end follow-up there do.
    """
    if n < 1:
        raise ValueError("n must be a positive number of patients")
    rng = np.random.default_rng(seed)
    x = _case_mix(rng, n)
    treatment, would_be = _assign(rng, x, confounding)
    sites = rng.choice(list(SITES), n, p=list(SITES.values()))
    clinic_effects = rng.normal(0, 3, len(SITES))
    if site_effects is not None:
        clinic_effects = np.asarray(site_effects, dtype=float).reshape(len(SITES))
    site_effect = pd.Series(clinic_effects, index=list(SITES))[sites].to_numpy()
    physician = np.char.add(sites.astype(str), np.char.add("-D", rng.integers(1, 4, n).astype(str)))
    noise, post_noise, u_surg = rng.normal(0, 22, n), rng.normal(0, 12, n), rng.random(n)
    tp_noise = {tp: rng.normal(0, 5, n) for tp in TIMEPOINTS}
    start = AS_OF - pd.to_timedelta(rng.uniform(2, 60, n) * DAYS_PER_MONTH, unit="D").round("D")
    death = rng.exponential(1 / 0.0005, n)
    withdraw = rng.exponential(1 / 0.0012, n)
    horizon = np.minimum.reduce([(AS_OF - start).days / DAYS_PER_MONTH, death, withdraw])
    bodi = np.round(x["true_odi"].to_numpy() / 2) * 2
    potential: dict[str, dict[str, np.ndarray]] = {}
    for t in TREATMENTS:
        plateau = _plateau(x, t, site_effect, noise)
        rate = SURGERY_RATE[t] * np.where(plateau < 15, 4.0, 1.0) if surgery else np.zeros(n)
        t_surg = -np.log(u_surg) / np.maximum(rate, 1e-12)
        odi = {tp: _odi(bodi, plateau, mo, t_surg, tp_noise[tp], post_noise) for tp, mo in TIMEPOINTS.items()}
        potential[t] = {"t_surg": t_surg, **odi}
    own = {k: np.choose(pd.Categorical(treatment, categories=list(TREATMENTS)).codes,
                        [potential[t][k] for t in TREATMENTS]) for k in potential["msc"]}
    patients = _patients_frame(x, rng, treatment, sites, physician, start, death, withdraw, horizon)
    followups = _followups(rng, patients, own, bodi, informative_dropout, stop_after_surgery)
    complications = _complications(rng, patients)
    truth = _truth(patients, followups, potential, treatment, would_be, bodi)
    truth["complete_odi"] = {tp: own[tp].copy() for tp in TIMEPOINTS}
    truth["site_effects"] = clinic_effects.copy()
    truth["surgery_free"] = {h: _group_means(own["t_surg"] > h, patients) for h in SURVIVAL_HORIZONS}
    risk = patients["treatment_class"].map(COMPLICATION_RATE).to_numpy()
    truth["complications"] = {"any": _group_means(1 - np.exp(-risk), patients),
                              "serious": _group_means(1 - np.exp(-risk * SERIOUS_SHARE), patients)}
    return patients, followups, complications, truth


def _group_means(values: np.ndarray, patients: pd.DataFrame) -> dict[str, float]:
    frame = pd.DataFrame({"v": np.asarray(values, dtype=float), "treatment": patients["treatment"].to_numpy(),
                          "treatment_class": patients["treatment_class"].to_numpy()})
    return {g: float(v) for level in ("treatment", "treatment_class") for g, v in frame.groupby(level)["v"].mean().items()}


def _date(start: pd.Series, months: np.ndarray) -> pd.Series:
    return start + pd.to_timedelta(np.where(np.isfinite(months), months, np.nan) * DAYS_PER_MONTH, unit="D").round("D")


def _patients_frame(x, rng, treatment, sites, physician, start, death, withdraw, horizon) -> pd.DataFrame:
    """Case-mix, death and withdrawal; surgery, loss and status dates are added by :func:`_followups`."""
    n = len(x)
    dead = np.where(death <= horizon, death, np.nan)
    wd = np.where((withdraw <= horizon) & np.isnan(dead), withdraw, np.nan)
    frame = x.drop(columns="true_odi").assign(
        baseline_odi=np.where(rng.random(n) < 0.03, np.nan, np.round(x["true_odi"] / 2) * 2),
        patient_id=[f"P{i:06d}" for i in range(n)], site=sites, physician=physician,
        treatment=treatment, treatment_class=pd.Series(treatment).map(TREATMENTS).to_numpy(),
        treatment_date=start.to_numpy(),
    )
    frame["pfirrmann_max"] = frame["pfirrmann_max"].where(rng.random(n) > 0.05)
    for name, months in (("death_date", dead), ("withdrawal_date", wd)):
        frame[name] = _date(frame["treatment_date"], months)
    # 10% stop being reachable at a uniform time; the others stay reachable.
    frame["_reachable_months"] = np.where(rng.random(n) < 0.1, rng.uniform(0, 1, n) * horizon, np.inf)
    frame["_horizon_months"] = horizon
    return frame


def _followups(rng, patients, own, bodi, informative, stop_after_surgery) -> pd.DataFrame:
    """Questionnaires time point by time point; the registry learns of surgery at a contact.

    A contact is an answered questionnaire or, for a missed one, a call that reached the
    patient (:data:`REACHED_BY_CALL`). A surgery becomes known (and dated) at the first
    contact after it, or at a recorded death or withdrawal; the patient's surgery status is
    known up to the last contact. Patients who stop being reachable answer nothing after that
    and are recorded as lost six months after their last contact.
    """
    n = len(patients)
    start = patients["treatment_date"]
    months_dead = ((patients["death_date"] - start).dt.days / DAYS_PER_MONTH).to_numpy()
    months_wd = ((patients["withdrawal_date"] - start).dt.days / DAYS_PER_MONTH).to_numpy()
    elapsed = ((AS_OF - start).dt.days / DAYS_PER_MONTH).to_numpy()
    reachable = patients.pop("_reachable_months").to_numpy()
    horizon = patients.pop("_horizon_months").to_numpy()
    t_surg = own["t_surg"]
    rows = [pd.DataFrame({"patient_id": patients["patient_id"], "timepoint": "baseline", "months": 0.0,
                          "status": "answered", "odi": patients["baseline_odi"]})]
    last = bodi.copy()
    known = np.zeros(n)
    learned = np.full(n, np.nan)
    for tp, mo in TIMEPOINTS.items():
        window = 1.0 if mo < 12 else 2.0
        p_miss = expit(-1.4 + 0.12 * (last - 40)) if informative else np.full(n, 0.3)
        answered = (rng.random(n) >= p_miss) & (mo < reachable)
        stopped = stop_after_surgery & (learned <= mo)
        status = np.select([mo > elapsed, mo + window > elapsed, months_dead <= mo, months_wd <= mo, stopped, answered],
                           ["not_due", "pending", "dead", "withdrawn", "stopped", "answered"], "missed")
        reached = (status == "answered") | ((status == "missed") & (mo < reachable) & (rng.random(n) < REACHED_BY_CALL))
        known = np.where(reached, mo, known)
        learned = np.where(reached & np.isnan(learned) & (t_surg <= mo), t_surg, learned)
        odi = own[tp]
        last = np.where(status == "answered", odi, last)
        rows.append(pd.DataFrame({"patient_id": patients["patient_id"], "timepoint": tp, "months": mo,
                                  "status": status, "odi": np.where(status == "answered", odi, np.nan)}))
    ended = np.fmin(months_dead, months_wd)
    learned = np.where(np.isnan(learned) & (t_surg <= ended), t_surg, learned)
    known = np.fmax(np.fmax(known, np.nan_to_num(ended, nan=0.0)), np.nan_to_num(learned, nan=0.0))
    lost = np.where(np.isfinite(reachable) & (known + 6 <= horizon), known + 6, np.nan)
    for name, months in (("surgery_date", learned), ("lost_date", lost), ("status_known_date", np.fmin(known, horizon))):
        patients[name] = _date(start, months)
    out = pd.concat(rows, ignore_index=True)
    ratio = (out["odi"] / out["patient_id"].map(dict(zip(patients["patient_id"], bodi, strict=True))))
    base_nrs = out["patient_id"].map(dict(zip(patients["patient_id"], patients["baseline_nrs_back"], strict=True)))
    noise = rng.normal(0, 0.8, len(out))
    out["nrs_back"] = np.where(out["timepoint"] == "baseline", base_nrs,
                               np.clip(np.round(base_nrs * ratio + noise), 0, 10))
    out["nrs_leg"] = np.clip(np.round(out["nrs_back"] * 0.6 + noise), 0, 10)
    out["eq5d_index_us"] = np.clip(0.35 + 0.006 * (100 - out["odi"]), -0.5, 1)
    out["pgic"] = np.where(out["timepoint"] == "baseline", np.nan, np.clip(np.round(1 + 6 * ratio), 1, 7))
    out["channel"] = np.where(out["status"] == "answered", rng.choice(["web", "paper", "phone", "staff"], len(out)), None)
    return out


def _complications(rng, patients) -> pd.DataFrame:
    counts = rng.poisson(patients["treatment_class"].map(COMPLICATION_RATE).to_numpy())
    idx = np.repeat(np.arange(len(patients)), counts)
    k = len(idx)
    return pd.DataFrame({
        "patient_id": patients["patient_id"].to_numpy()[idx],
        "category": rng.choice(CATEGORIES, k),
        "severity": rng.choice(list(SEVERITY_SHARES), k, p=list(SEVERITY_SHARES.values())),
        "related": rng.choice(["unrelated", "unlikely", "possible", "probable", "definite"], k),
        "date": patients["treatment_date"].to_numpy()[idx] + pd.to_timedelta(rng.integers(0, 90, k), unit="D"),
    })


def _truth(patients, followups, potential, treatment, would_be, bodi) -> dict:
    status = followups.pivot(index="patient_id", columns="timepoint", values="status").loc[patients["patient_id"]]
    groups = {"treatment": treatment, "treatment_class": patients["treatment_class"].to_numpy()}
    truth: dict = {"primary_timepoint": "m12", "success": {}, "responder": {}, "odi_change": {}, "ate": {}}

    def outcomes(t: str, tp: str) -> dict[str, np.ndarray]:
        odi, surg = potential[t][tp], potential[t]["t_surg"] <= TIMEPOINTS[tp]
        gain = bodi - odi
        return {"success": np.where(surg, 0.0, gain / bodi >= 0.30),
                "responder": np.where(surg, 0.0, (gain >= 10) | (gain / bodi >= 0.30)),
                "odi_change": np.where(surg, np.nan, odi - bodi),
                "odi_change_composite": np.where(surg, 0.0, odi - bodi)}

    for tp in TIMEPOINTS:
        due = status[tp].isin(DUE_STATUSES).to_numpy()
        own = {k: np.select([treatment == t for t in TREATMENTS], [outcomes(t, tp)[k] for t in TREATMENTS])
               for k in ("success", "responder", "odi_change")}
        for k, values in own.items():
            frame = pd.DataFrame({"v": values[due], **{lv: g[due] for lv, g in groups.items()}})
            truth[k][tp] = {g: float(v) for lv in groups for g, v in frame.groupby(lv)["v"].mean().items()}
    due = status["m12"].isin(DUE_STATUSES).to_numpy()
    bio_pot = {k: np.select([would_be == t for t in ("msc", "bmc", "prp", "other_biologic")],
                            [outcomes(t, "m12")[k] for t in ("msc", "bmc", "prp", "other_biologic")])
               for k in ("success", "odi_change_composite")}
    per_class = {"biologic": bio_pot, **{c: outcomes(c, "m12") for c in ("fusion", "disc_replacement", "conservative")}}
    is_bio = due & (patients["treatment_class"].to_numpy() == "biologic")
    for k in ("success", "odi_change"):
        ate = {}
        for pairs, pot, rows in ((list(per_class), per_class, due), (["msc", "bmc", "prp"], None, is_bio)):
            pot = pot or {t: outcomes(t, "m12") for t in pairs}
            for i, a in enumerate(pairs):
                for b in pairs[i + 1:]:
                    key = "odi_change_composite" if k == "odi_change" else k
                    ate[f"{a} - {b}"] = float(np.mean(pot[a][key][rows] - pot[b][key][rows]))
        truth["ate"][k] = ate
    return truth
