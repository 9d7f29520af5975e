"""The patient's own opt-out from a channel, through the link at the foot of each e-mail."""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from disctrack.followup.actions import do_opt_out
from disctrack.followup.content import read_opt_out_token
from disctrack.registry.models import Patient

_TEXT = {
    "en": {"title": "Stop messages", "ask": "Stop receiving {channel} from {clinic}?",
           "button": "Stop these messages", "done": "Done: {clinic} will not send you {channel} any more.",
           "email": "e-mails", "sms": "text messages"},
    "es": {"title": "Dejar de recibir mensajes", "ask": "¿Dejar de recibir {channel} de {clinic}?",
           "button": "Dejar de recibir estos mensajes",
           "done": "Hecho: {clinic} no le enviará más {channel}.",
           "email": "correos electrónicos", "sms": "mensajes de texto"},
}


@require_http_methods(["GET", "POST"])
def opt_out(request, token: str):
    try:
        patient_id, channel = read_opt_out_token(token)
    except signing.BadSignature:
        raise Http404("This link is not valid") from None
    patient = Patient.objects.select_related("site").filter(pk=patient_id).first()
    if patient is None:
        raise Http404("This link is not valid")
    done = request.method == "POST"
    if done:
        do_opt_out(patient, channel)
    text = _TEXT.get(patient.language, _TEXT["en"])
    words = {"channel": text[channel], "clinic": patient.site.name}
    return render(request, "followup/opt_out.html", {
        "title": text["title"], "ask": text["ask"].format(**words), "button": text["button"],
        "done": text["done"].format(**words) if done else "", "language": patient.language,
    })
