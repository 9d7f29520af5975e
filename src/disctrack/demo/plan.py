"""One synthetic patient's whole story, planned before anything is stored.

Each patient draws from a random generator seeded by (seed, patient number) alone, so a
patient's story does not depend on any other patient's and the same seed always tells the
same stories. Nothing here reads the clock: `today` is the anchor date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from disctrack.demo import calibration as cal
from disctrack.demo.adverse import complications, ending, harvested
from disctrack.demo.answers import WORK_ANSWER, Visit, answers_for
from disctrack.demo.casemix import CaseMix, draw_case_mix, episode, identity, imaging, pick
from disctrack.demo.course import (
    DAYS_PER_MONTH,
    Course,
    draw_course,
    draw_fate,
    measured_odi,
    miss_probability,
)
from disctrack.demo.network import SITES, SiteSpec
from disctrack.demo.steps import (
    Answered,
    Complication,
    Step,
    Surgery,
    days_after,
    in_order,
    moment,
    start_of,
)
from disctrack.demo.treatments import index_treatment, subsequent_surgery
from disctrack.protocols import Protocol, TimePointSpec
from disctrack.registry.models.patients import new_registry_id

TREATED_WITHIN_DAYS = (7, 4 * 365)  # index treatments spread over the last four years


@dataclass
class PatientPlan:
    registry_id: str
    site: SiteSpec
    physician: str
    language: str
    identity: dict
    episode: dict
    imaging: list[dict]
    treatment: dict  # do_record_treatment data without the physician
    steps: list[Step]


def registry_id(rng: random.Random, taken: set[str]) -> str:
    while True:
        candidate = new_registry_id(rng.choice)
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def plan_patient(seed: int, number: int, today: date, protocol: Protocol,
                 taken_ids: set[str]) -> PatientPlan:
    rng = random.Random(f"disctrack-demo:{seed}:{number}")
    site = pick(rng, {spec: spec.share for spec in SITES})
    language = "es" if rng.random() < site.spanish_share else "en"
    mix = draw_case_mix(rng)
    treated_on = today - timedelta(days=rng.randint(*TREATED_WITHIN_DAYS))
    care = episode(rng, mix, treated_on - timedelta(days=rng.randint(14, 240)))
    treatment = index_treatment(rng, mix.treatment_class, mix.levels, treated_on)
    plan = PatientPlan(
        registry_id=registry_id(rng, taken_ids), site=site,
        physician=rng.choice(site.physicians), language=language,
        identity=identity(rng, site, mix, language, number, treated_on), episode=care,
        imaging=imaging(rng, mix), treatment=treatment, steps=[],
    )
    plan.steps = _story(rng, plan, mix, today, protocol)
    return plan


def _story(rng: random.Random, plan: PatientPlan, mix: CaseMix, today: date,
           protocol: Protocol) -> list[Step]:
    treated_on = plan.treatment["performed_on"]
    course = draw_course(rng, mix)
    stops_on, event = ending(rng, draw_fate(rng), treated_on, today)
    until = min(today, stops_on) if stops_on else today
    tz = plan.site.timezone
    steps: list[Step] = complications(
        rng, plan.treatment["kind"], mix.treatment_class, harvested(plan.treatment), treated_on,
        False, until, today, tz)
    surgery = _surgery(rng, course, mix, treated_on, until)
    if surgery:
        steps.append(surgery)
        steps += complications(rng, "fusion", "fusion", False, surgery.day, True, until, today, tz)
    if event:
        steps.append(event)
    steps += _Questionnaires(rng, plan, course, steps, today, until).all(protocol)
    return in_order(steps)


def _surgery(rng: random.Random, course: Course, mix: CaseMix, treated_on: date,
             until: date) -> Surgery | None:
    if course.surgery_month is None:
        return None
    day = days_after(treated_on, max(course.surgery_month, 1.0) * DAYS_PER_MONTH)
    if day >= until:
        return None
    return Surgery(day, subsequent_surgery(rng, mix.treatment_class, mix.levels, day))


class _Questionnaires:
    """Which time points the patient answers, when, how, and with what answers."""

    def __init__(self, rng, plan, course, steps, today, until):
        self.rng, self.plan, self.course = rng, plan, course
        self.today, self.until = today, until
        self.prompts = [(s.day, "surgery") for s in steps if isinstance(s, Surgery)]
        self.prompts += [(s.data["occurred_on"], s.data["category"]) for s in steps
                         if isinstance(s, Complication)]
        self.work = WORK_ANSWER.get(plan.episode["work_status"], plan.episode["work_status"])
        self.baseline_odi = measured_odi(rng, course.baseline_odi)
        # Complications on the day of the treatment count as "since the last questionnaire".
        self.last_odi = self.baseline_odi
        self.last_day = plan.treatment["performed_on"] - timedelta(days=1)

    def all(self, protocol: Protocol) -> list[Step]:
        steps = [self._baseline(protocol.timepoints[0])]
        for spec in protocol.timepoints[1:]:
            step = self._follow_up(spec)
            if step is not None:
                steps.append(step)
        return steps

    def _baseline(self, spec: TimePointSpec) -> Answered:
        """Answered before the treatment: baseline answers are a condition of enrollment."""
        day = self.plan.treatment["performed_on"] - timedelta(days=self.rng.randint(1, 55))
        channel = pick(self.rng, cal.BASELINE_CHANNELS)
        visit = self._visit(self.baseline_odi, prompts=set(), at_baseline=True)
        return self._answered(spec, day, channel, visit)

    def _follow_up(self, spec: TimePointSpec) -> Answered | None:
        """The answer, if the patient gives one before `today`; an unanswered time point is
        left pending for the follow-up engine to close once its window has closed."""
        _, target, _ = spec.window(self.plan.treatment["performed_on"])
        channel = pick(self.rng, cal.FOLLOW_UP_CHANNELS)
        early, late = min(7, spec.opens_days_before), spec.closes_days_after
        # Web answers come soon after the invitation; paper and telephone after reminders.
        if channel == "web":
            offset = self.rng.randint(-early, min(14, late))
        else:
            offset = self.rng.randint(min(7, late), late)
        day = target + timedelta(days=offset)
        if self.rng.random() < miss_probability(spec.code, self.last_odi) or day >= self.until:
            return None
        month = (day - self.plan.treatment["performed_on"]).days / DAYS_PER_MONTH
        odi = measured_odi(self.rng, self.course.odi(month))
        step = self._answered(spec, day, channel, self._visit(odi, self._prompts_until(day)))
        if step.completed_at >= start_of(self.today):
            return None
        self.last_odi, self.last_day = odi, day
        return step

    def _prompts_until(self, day: date) -> set[str]:
        return {prompt for when, prompt in self.prompts if self.last_day < when <= day}

    def _visit(self, odi: int, prompts: set[str], at_baseline: bool = False) -> Visit:
        if not at_baseline:
            self._update_work(odi)
        episode = self.plan.episode
        return Visit(odi=odi, baseline_odi=self.baseline_odi, leg_pain=episode["leg_pain"],
                     work=self.work, baseline_opioids=episode["opioid_use"],
                     at_baseline=at_baseline, prompts=prompts)

    def _update_work(self, odi: int) -> None:
        # assumption: half of those on sick leave return once disability is mild; a third
        # of workers go on sick leave when it is severe.
        if self.work == "sick_leave_back" and odi < 30 and self.rng.random() < 0.5:
            self.work = "full_time"
        elif self.work in ("full_time", "part_time") and odi > 60 and self.rng.random() < 0.3:
            self.work = "sick_leave_back"

    def _answered(self, spec: TimePointSpec, day: date, channel: str, visit: Visit) -> Answered:
        hours = (7, 22) if channel == "web" else (9, 17)
        completed_at = moment(self.rng, day, self.plan.site.timezone, hours)
        answers = answers_for(self.rng, list(spec.instruments), visit)
        return Answered(day, spec.code, completed_at, channel, answers)
