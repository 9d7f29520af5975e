"""Binary endpoints from a score, its baseline and whether surgery has happened.

Lower scores are better for every instrument used here (ODI, NRS). Surgery by the time
point makes every binary endpoint a failure regardless of the score: responder 0,
success 0, failure 1. A baseline of 0 cannot improve by a percentage, so it counts as
"not improved". Continuous summaries (mean score, change) keep the observed or imputed
score after surgery (a treatment-policy estimand).
"""

from __future__ import annotations

import numpy as np

from .definitions import Definitions

BINARY = ("success", "responder", "failure")


def binary_endpoints(score: np.ndarray, baseline: np.ndarray, surgery: np.ndarray,
                     definitions: Definitions) -> dict[str, np.ndarray]:
    """Return float arrays (1, 0, or NaN where the score is unknown and no surgery).

    Arrays broadcast, so ``score`` may be (m, n) imputations against (n,) baselines.
    """
    mic = definitions.instruments[definitions.endpoint_instrument]
    score = np.asarray(score, dtype=float)
    baseline = np.asarray(baseline, dtype=float)
    gain = baseline - score
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(baseline > 0, 100 * gain / baseline, 0.0)
    important = (gain >= mic.mic_points) | (percent >= mic.mic_percent)
    success = percent >= definitions.success_percent
    known = ~np.isnan(score) & ~np.isnan(baseline)
    values = {"success": success, "responder": important, "failure": ~important}
    out = {}
    for name, value in values.items():
        after_surgery = 1.0 if name == "failure" else 0.0
        out[name] = np.where(surgery, after_surgery, np.where(known, value.astype(float), np.nan))
    return out
