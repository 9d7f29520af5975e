"""Safety signals in a time point's answers, by the rules in its protocol's `safety` section.

The signals are prompts for a clinician, never recorded complications: a clinician reviews
each alert and either records a complication (which is then adjudicated) or dismisses it
with a reason.
"""

from __future__ import annotations

from typing import Any

from disctrack.instruments import load_library
from disctrack.protocols import SafetyRules
from disctrack.registry.models import TimePoint, TimePointStatus
from disctrack.surveys.actions import current_responses

CHECK = "complication_check"
INJECTION_ITEMS = frozenset({"fever", "new_back_pain"})
SCORE_LABELS = {"odi": "ODI", "nrs_back": "Back pain (NRS)", "nrs_leg": "Leg pain (NRS)"}


def _scores(responses) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for response in responses:
        merged.update(response.scores or {})
    return merged


def baseline_scores(tp: TimePoint) -> dict[str, Any]:
    """The latest submitted scores of the treatment's baseline, if it was answered."""
    baseline = (
        TimePoint.objects.filter(treatment_id=tp.treatment_id, months=0, status=TimePointStatus.ANSWERED)
        .exclude(pk=tp.pk)
        .first()
    )
    return {} if baseline is None else _scores(current_responses(baseline).values())


def _worsening(rules: SafetyRules, now: dict, base: dict) -> list[dict]:
    found = []
    for key, points in rules.worsening_points:
        if now.get(key) is None or base.get(key) is None:
            continue
        rise = now[key] - base[key]
        if rise >= points:
            label = SCORE_LABELS.get(key, key)
            found.append({"code": f"worse_{key}",
                          "text": f"{label} {rise:g} points worse than at baseline "
                                  f"({base[key]:g} to {now[key]:g}); the minimal important change is {points:g}"})
    return found


def _new_leg_pain(rules: SafetyRules, now: dict, base: dict, leg_pain_at_diagnosis: bool) -> list[dict]:
    leg = now.get("nrs_leg")
    if leg is None or leg < rules.leg_now_at_least:
        return []
    before = base.get("nrs_leg")
    was_free = before <= rules.leg_baseline_at_most if before is not None else not leg_pain_at_diagnosis
    if not was_free:
        return []
    return [{"code": "new_leg_pain", "text": f"New leg pain: {leg} out of 10"
             + (f" (baseline {before})" if before is not None else " (none at diagnosis)")}]


def _after_injection(rules: SafetyRules, tp: TimePoint, now: dict, base: dict) -> list[dict]:
    back = now.get("nrs_back")
    if not tp.treatment.is_biologic or tp.months > rules.injection_months or back is None:
        return []
    if back < rules.injection_back_pain_at_least:
        return []
    if base.get("nrs_back") is not None and back <= base["nrs_back"]:
        return []
    return [{"code": "severe_pain_after_injection",
             "text": f"Severe back pain ({back} out of 10) after an intradiscal injection"}]


def _check_answers(rules: SafetyRules, tp: TimePoint, responses) -> list[dict]:
    if not rules.complication_check_yes:
        return []
    check = next((r for r in responses if r.instrument == CHECK), None)
    if check is None:
        return []
    instrument = load_library().get(CHECK)
    found = []
    for code, answer in check.answers.items():
        if answer != "yes":
            continue
        text = f"Answered yes: {instrument.item(code).text('en')}"
        if tp.treatment.is_biologic and code in INJECTION_ITEMS:
            text += " (after an intradiscal injection)"
        found.append({"code": f"check_{code}", "text": text})
    return found


def signals(tp: TimePoint, responses, rules: SafetyRules) -> list[dict]:
    """Every safety signal in the answers just submitted at `tp`: [{code, text}]."""
    if tp.months == 0:
        return _check_answers(rules, tp, responses)  # nothing to be worse than yet
    now, base = _scores(responses), baseline_scores(tp)
    return (
        _worsening(rules, now, base)
        + _new_leg_pain(rules, now, base, tp.treatment.episode.leg_pain)
        + _after_injection(rules, tp, now, base)
        + _check_answers(rules, tp, responses)
    )
