"""The door of every patient page: throttled token look-up, language, private headers.

The token is the only credential, so a wrong token counts as a guess against the client's
address, and a blocked address gets no answer about any token, valid or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone, translation

from disctrack.core import throttle
from disctrack.registry.models import Site, TimePoint
from disctrack.surveys.actions import LinkUnusable, find_link
from disctrack.surveys.models import SurveyLink

SCOPE = "survey"
GUESS_WINDOW = timedelta(minutes=15)
PATIENT_LANGUAGES = ("en", "es")
PROBLEM_STATUS = {"unknown": 404, "blocked": 429, "expired": 410, "submitted": 410, "closed": 410}


def _language_key(link: SurveyLink) -> str:
    return f"survey-lang-{link.pk}"


def submitted_key(link: SurveyLink) -> str:
    return f"survey-submitted-{link.pk}"


@dataclass(frozen=True)
class Survey:
    """The usable link behind a patient page, its token and the language chosen."""

    link: SurveyLink
    token: str
    lang: str

    @property
    def timepoint(self) -> TimePoint:
        return self.link.timepoint

    @property
    def site(self) -> Site:
        return self.link.timepoint.patient.site

    def render(self, request, template: str, context: dict, status: int = 200,
               posts_form: bool = False):
        return render_patient(request, template, {"survey": self, **context}, self.lang, status,
                              posts_form)


def language_for(request, link: SurveyLink | None) -> str:
    """?lang= when given (and remembered for this link), else the remembered choice, else
    the patient's language; without a link, the browser's language."""
    chosen = request.GET.get("lang")
    if chosen in PATIENT_LANGUAGES:
        if link is not None:
            request.session[_language_key(link)] = chosen
        return chosen
    if link is None:
        current = translation.get_language() or "en"
        return current if current in PATIENT_LANGUAGES else "en"
    remembered = request.session.get(_language_key(link))
    if remembered in PATIENT_LANGUAGES:
        return remembered
    language = link.timepoint.patient.language
    return language if language in PATIENT_LANGUAGES else "en"


def render_patient(request, template: str, context: dict, lang: str, status: int = 200,
                   posts_form: bool = False):
    """Render in `lang`, with headers that keep the token out of caches and other sites.

    A page whose form posts sends the referrer to this site only: under "no-referrer" a
    browser posts with `Origin: null`, which Django's CSRF check rightly refuses. Both
    policies keep the address, token included, from every other site.
    """
    with translation.override(lang):
        response = render(request, template, {"lang": lang, **context}, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin" if posts_form else "no-referrer"
    response["Content-Language"] = lang
    return response


def site_date(link: SurveyLink, moment) -> date:
    return timezone.localtime(moment, link.timepoint.patient.site.zone).date()


def received_on(link: SurveyLink) -> date | None:
    moment = link.submitted_at or link.timepoint.answered_at
    return None if moment is None else site_date(link, moment)


def problem(request, reason: str, link: SurveyLink | None = None):
    """A friendly page for a link that cannot be used, with the status that fits."""
    lang = language_for(request, link)
    context = {
        "reason": reason,
        "clinic": link.timepoint.patient.site.name if link else "",
        "received_on": received_on(link) if link and reason == "submitted" else None,
        "minutes": int(GUESS_WINDOW.total_seconds() // 60),
    }
    response = render_patient(request, "surveys/patient/problem.html", context, lang,
                              PROBLEM_STATUS[reason])
    if reason == "blocked":
        response["Retry-After"] = str(int(GUESS_WINDOW.total_seconds()))
    return response


def is_blocked(request) -> bool:
    return throttle.is_blocked(SCOPE, throttle.client_address(request),
                               limit=settings.SURVEY_GUESS_LIMIT, window=GUESS_WINDOW)


def unusable(request, exc: LinkUnusable):
    """The page for a link that cannot be used.

    Unknown tokens are guesses, counted per client address (the proxy's header is believed
    only from a declared proxy, core.throttle.client_address); an address that made too
    many gets "blocked" for its further guesses. A link that exists is never refused for
    failures: its 256-bit token cannot be guessed, and behind a shared address (a clinic's
    Wi-Fi, a carrier's NAT) the failures may be someone else's."""
    if exc.reason == "unknown":
        if is_blocked(request):
            return problem(request, "blocked")
        throttle.record_failure(SCOPE, throttle.client_address(request))
    return problem(request, exc.reason, exc.link)


def survey_page(view):
    """Look the token up (throttled) and call `view(request, survey, ...)` with a usable link,
    in the patient's language."""

    @wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        try:
            link = find_link(token)
        except LinkUnusable as exc:
            return unusable(request, exc)
        survey = Survey(link, token, language_for(request, link))
        with translation.override(survey.lang):
            return view(request, survey, *args, **kwargs)

    return wrapper
