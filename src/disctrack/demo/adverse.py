"""Complications of each treatment, and the event that ends a patient's follow-up."""

from __future__ import annotations

import random
from datetime import date

from disctrack.demo import calibration as cal
from disctrack.demo.course import DAYS_PER_MONTH, Fate
from disctrack.demo.steps import Complication, Event, days_after, moment, start_of

DESCRIPTIONS = {
    "post_injection_flare": "More back pain for a few days after the injection; settled with rest.",
    "discitis": "Fever and severe back pain; MRI showed discitis at the injected level.",
    "harvest_site_pain": "Pain at the iliac crest harvest site for about a week.",
    "harvest_site_haematoma": "Small haematoma at the harvest site; no treatment needed.",
    "dural_tear": "Incidental durotomy repaired during the operation.",
    "deep_infection": "Deep wound infection treated with washout and antibiotics.",
    "nerve_root_injury": "New radicular pain and weakness after the operation.",
    "pulmonary_embolism": "Pulmonary embolism on CT; anticoagulated.",
    "rehospitalisation": "Readmitted for pain control.",
    "vascular_injury": "Venous injury during the anterior approach, repaired.",
    "other": "Stomach upset from anti-inflammatory medication.",
}
CONFIRM_NOTE = "Reviewed the notes; consistent with a complication of the treatment."
REJECT_NOTE = "Reviewed the notes; expected post-procedural symptoms, not a complication."
DEATH_REASONS = ("Unrelated: myocardial infarction", "Unrelated: road traffic accident",
                 "Unrelated: metastatic cancer")
WITHDRAWAL_REASONS = ("Asked to stop receiving questionnaires", "Moved abroad; declined follow-up",
                      "Withdrew consent for the registry")
# assumption: staff record a patient as lost after six months without any contact.
DAYS_BEFORE_LOST_RECORDED = 182


def complications(rng: random.Random, kind: str, treatment_class: str, harvested: bool,
                  performed_on: date, of_surgery: bool, until: date, today: date,
                  timezone: str) -> list[Complication]:
    """Complications occurring before `until` and reported before `today`."""
    groups = [treatment_class] + (["harvest"] if harvested else [])
    found = []
    for group in groups:
        for category, share, (first, last), severity, relatedness in cal.COMPLICATIONS[group]:
            if rng.random() >= share:
                continue
            occurred = days_after(performed_on, rng.randint(first, last))
            reported = days_after(occurred, rng.randint(0, 10))
            reported_at = moment(rng, reported, timezone, (9, 17))
            if occurred >= until or reported_at >= start_of(today):
                continue
            data = {"category": category, "occurred_on": occurred, "severity": severity,
                    "relatedness": relatedness, "description": DESCRIPTIONS[category],
                    "reported_at": reported_at}
            adjudication = _adjudication(rng, reported, today)
            found.append(Complication(reported, of_surgery, data, adjudication))
    return found


def _adjudication(rng: random.Random, reported: date, today: date) -> tuple[str, str] | None:
    recent = (today - reported).days < cal.ADJUDICATION_DELAY_DAYS
    if recent or rng.random() >= cal.ADJUDICATED_SHARE:
        return None
    if rng.random() < cal.REJECTED_SHARE:
        return ("rejected", REJECT_NOTE)
    return ("confirmed", CONFIRM_NOTE)


def harvested(treatment: dict) -> bool:
    """Autologous cells come from the patient's own marrow (an iliac-crest harvest)."""
    return treatment["kind"] in ("msc", "bmc") and treatment.get("cell_source") == "autologous"


def ending(rng: random.Random, fate: Fate | None, treated_on: date,
           today: date) -> tuple[date | None, Event | None]:
    """The day the patient stops answering, and the event recorded for it, if yet known."""
    if fate is None:
        return None, None
    stops_on = days_after(treated_on, max(fate.month, 0.5) * DAYS_PER_MONTH)
    if fate.kind == "lost_to_follow_up":
        recorded = days_after(stops_on, DAYS_BEFORE_LOST_RECORDED)
        reason = f"No answer to e-mails, calls or letters since {stops_on.isoformat()}"
    else:
        recorded = stops_on
        reason = rng.choice(DEATH_REASONS if fate.kind == "death" else WITHDRAWAL_REASONS)
    event = Event(recorded, fate.kind, reason) if recorded < today else None
    return stops_on, event
