"""What a patient's e-mail or SMS says: the clinic's name and the link, nothing clinical.

No treatment, diagnosis, time point or questionnaire name appears, so a message read by
someone else reveals only that the clinic wrote. Texts are in the patient's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from disctrack.followup.models import Step

OPT_OUT_SALT = "disctrack.followup.opt-out"

_EMAIL = {
    "en": {
        "subject_first": "{clinic}: a questionnaire for you",
        "subject_again": "{clinic}: a reminder",
        "first": "{clinic} asks you to answer a short questionnaire.",
        "again": "A reminder from {clinic}: your questionnaire is still waiting for you.",
        "body": (
            "Hello,\n\n{opening}\n\nPlease open this personal link:\n{link}\n\n"
            "Do not share the link: it is yours alone.\n\n{clinic}\n\n--\n"
            "To stop receiving these e-mails, open:\n{opt_out}\n"
        ),
    },
    "es": {
        "subject_first": "{clinic}: un cuestionario para usted",
        "subject_again": "{clinic}: un recordatorio",
        "first": "{clinic} le pide que responda un breve cuestionario.",
        "again": "Un recordatorio de {clinic}: su cuestionario sigue esperándole.",
        "body": (
            "Hola:\n\n{opening}\n\nAbra este enlace personal:\n{link}\n\n"
            "No comparta el enlace: es solo para usted.\n\n{clinic}\n\n--\n"
            "Para dejar de recibir estos correos, abra:\n{opt_out}\n"
        ),
    },
}

_SMS = {
    "en": "{clinic}: please answer your questionnaire: {link}",
    "es": "{clinic}: por favor, responda su cuestionario: {link}",
}


@dataclass(frozen=True)
class EmailText:
    subject: str
    body: str


def opt_out_token(patient_id: int, channel: str) -> str:
    return signing.dumps({"p": patient_id, "c": channel}, salt=OPT_OUT_SALT, compress=True)


def read_opt_out_token(token: str) -> tuple[int, str]:
    """(patient id, channel); raises signing.BadSignature for anything not made here."""
    data = signing.loads(token, salt=OPT_OUT_SALT)
    return int(data["p"]), str(data["c"])


def opt_out_url(patient_id: int, channel: str) -> str:
    token = opt_out_token(patient_id, channel)
    return f"{settings.BASE_URL}{reverse('opt-out', args=[token])}"


def _texts(table: dict, language: str):
    return table.get(language) or table["en"]


def email_text(step: str, clinic: str, language: str, link: str, opt_out: str) -> EmailText:
    texts = _texts(_EMAIL, language)
    first = step == Step.EMAIL
    opening = texts["first" if first else "again"].format(clinic=clinic)
    return EmailText(
        subject=texts["subject_first" if first else "subject_again"].format(clinic=clinic),
        body=texts["body"].format(opening=opening, link=link, clinic=clinic, opt_out=opt_out),
    )


def sms_text(clinic: str, language: str, link: str) -> str:
    return _texts(_SMS, language).format(clinic=clinic, link=link)
