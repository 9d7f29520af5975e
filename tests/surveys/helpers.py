"""Answers to the baseline questionnaires, and posting them the way a browser would."""

from __future__ import annotations

from django.urls import reverse

# ODI: section 1 scores 4 and the other nine 2, so 22 points of 50 = 44.0 (Fairbank 2000).
BASELINE = {
    "odi": {"odi_1": 4, **{f"odi_{i}": 2 for i in range(2, 11)}},
    "nrs_pain": {"back": 6, "leg": 3},
    "eq5d5l": {"mo": 2, "sc": 1, "ua": 2, "pd": 3, "ad": 1, "vas": 70},
    "promis10": {**{f"global{i:02d}": 3 for i in range(1, 11)}, "global07": 5},
    "work_status": {"work_status": "part_time", "not_working_due_to_back": "yes"},
    "analgesic_use": {"analgesic": "none"},
}
BASELINE_ORDER = ["odi", "nrs_pain", "eq5d5l", "promis10", "work_status", "analgesic_use"]
BASELINE_ODI = 44.0


def fields(instrument: str, answers: dict) -> dict[str, str]:
    """Form fields as the questionnaire pages name them: <instrument>-<item>."""
    return {f"{instrument}-{code}": str(value) for code, value in answers.items()}


def step_url(token: str, number: int) -> str:
    return reverse("survey-step", args=[token, number])


def post_step(client, token: str, number: int, answers: dict | None = None, go: str = "next"):
    instrument = BASELINE_ORDER[number - 1]
    answers = BASELINE[instrument] if answers is None else answers
    return client.post(step_url(token, number), {**fields(instrument, answers), "go": go})


def answer_every_step(client, token: str) -> None:
    for number in range(1, len(BASELINE_ORDER) + 1):
        response = post_step(client, token, number)
        assert response.status_code == 302, response.content.decode()


def submit_baseline(client, token: str):
    """Answer every instrument and send: the response to the final POST."""
    answer_every_step(client, token)
    return client.post(reverse("survey-review", args=[token]))


def entry_fields(answers: dict[str, dict], **about) -> dict[str, str]:
    """The staff entry page's fields: how and when, then every instrument's answers."""
    data = {"channel": "paper", "completed_on": "2026-03-01", "language": "en", **about}
    for instrument, items in answers.items():
        data.update(fields(instrument, items))
    return data
