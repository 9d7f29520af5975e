"""Store the demo network and each planned patient through the registry's actions.

Coordinators enrol, record treatments, complications and events and key in paper,
telephone and in-clinic questionnaires; patients submit web questionnaires themselves
(actor "patient"); each site's clinician adjudicates its complications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from disctrack.demo.network import DEMO_PASSWORD, EMAIL_DOMAIN, SITES, STAFF
from disctrack.demo.plan import PatientPlan
from disctrack.demo.steps import Answered, Complication, Event, Surgery
from disctrack.registry.actions import (
    do_add_physician,
    do_adjudicate_complication,
    do_create_site,
    do_create_staff,
    do_enroll_patient,
    do_record_complication,
    do_record_event,
    do_record_treatment,
    do_set_membership,
)
from disctrack.registry.actions.timepoints import close_missed
from disctrack.registry.models import Patient
from disctrack.surveys.actions import do_enter_response

SYSTEM = "system: demo"
ENROLMENT_BEFORE_BASELINE = timedelta(minutes=20)


@dataclass
class Network:
    sites: dict = field(default_factory=dict)  # code -> Site
    physicians: dict = field(default_factory=dict)  # (site code, name) -> Physician
    users: dict = field(default_factory=dict)  # username -> User

    def coordinator(self, code: str):
        return self.users[f"{code}-coordinator"]

    def clinician(self, code: str):
        return self.users[f"{code}-clinician"]


def create_network() -> Network:
    network = Network()
    for spec in SITES:
        site = do_create_site(SYSTEM, code=spec.code, name=spec.name, timezone=spec.timezone)
        network.sites[spec.code] = site
        for name in spec.physicians:
            network.physicians[(spec.code, name)] = do_add_physician(SYSTEM, site, name)
    for person in STAFF:
        first, *others = person.sites
        user = do_create_staff(SYSTEM, username=person.username, password=DEMO_PASSWORD,
                               email=f"{person.username}@{EMAIL_DOMAIN}",
                               first_name=person.first_name, last_name=person.last_name,
                               site=network.sites[first], role=person.role)
        for code in others:
            do_set_membership(SYSTEM, user, network.sites[code], person.role)
        network.users[person.username] = user
    return network


def enrolment_time(plan: PatientPlan) -> datetime:
    """Enrolled at the clinic visit where the baseline questionnaire was answered."""
    baseline = next(s for s in plan.steps if isinstance(s, Answered) and s.code == "baseline")
    return baseline.completed_at - ENROLMENT_BEFORE_BASELINE


class PatientWriter:
    """Replays one plan's steps in date order."""

    def __init__(self, network: Network, plan: PatientPlan):
        self.plan, self.code = plan, plan.site.code
        self.coordinator = network.coordinator(self.code)
        self.clinician = network.clinician(self.code)
        self.physician = network.physicians[(self.code, plan.physician)]
        self.patient = do_enroll_patient(
            self.coordinator, network.sites[self.code], identity=plan.identity,
            episode=plan.episode, imaging=plan.imaging, language=plan.language,
            registry_id=plan.registry_id, enrolled_at=enrolment_time(plan))
        self.episode = self.patient.episodes.get()
        self.index = self._treat(plan.treatment)
        self.surgery = None
        self.timepoints = {tp.code: tp for tp in self.index.timepoints.all()}

    def write(self) -> Patient:
        handlers = {Answered: self._answer, Surgery: self._operate,
                    Complication: self._complicate, Event: self._end}
        for step in self.plan.steps:
            handlers[type(step)](step)
        return self.patient

    def _treat(self, data: dict):
        return do_record_treatment(self.coordinator, self.episode,
                                   {**data, "physician": self.physician})

    def _answer(self, step: Answered) -> None:
        actor = "patient" if step.channel == "web" else self.coordinator
        do_enter_response(actor, self.timepoints[step.code], step.answers, channel=step.channel,
                          language=self.plan.language, completed_at=step.completed_at)

    def _operate(self, step: Surgery) -> None:
        self.surgery = self._treat(step.data)

    def _complicate(self, step: Complication) -> None:
        treatment = self.surgery if step.of_surgery else self.index
        complication = do_record_complication(self.coordinator, self.episode,
                                              {**step.data, "treatment": treatment})
        if step.adjudication:
            status, note = step.adjudication
            do_adjudicate_complication(self.clinician, complication, status=status, note=note)

    def _end(self, step: Event) -> None:
        # Windows that closed before the event were missed; a death or withdrawal closes
        # only the time points still open or to come. Earlier patients' stories are
        # complete, so whatever of theirs this closes was missed too.
        close_missed(today=step.day)
        do_record_event(self.coordinator, self.episode, kind=step.kind, occurred_on=step.day,
                        reason=step.reason)
