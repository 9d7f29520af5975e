"""The registry side of tests/core/test_network_postgres.py, run in its own process.

`python tests/core/network_load.py seed`, with DJANGO_SETTINGS_MODULE, DISCTRACK_HOME and
DATABASE_URL set on a migrated database: makes two sites whose local clocks read about noon
and 3 p.m. (inside the protocol's sending hours), a coordinator at each, and through the
registry's actions:

- mail patients, each with an e-mail address and a treatment one month ago less three days,
  so the 1-month window is open; the worker's pass is run once (missed windows closed,
  ladders planned) and the invitation and both reminder e-mails are brought forward to now,
  as `bench/bench_worker_kills.py` does;
- survey patients, without an e-mail address, treated in ten days, so the baseline window is
  open, each with a baseline survey link made by the coordinator.

It prints one JSON line: the sites with their coordinators and registry ids, and the
survey tokens with the time point each answers.

`python tests/core/network_load.py report TIMEPOINT_ID ...` prints one JSON line: every
e-mail step of the queue with its tries, and for each time point named, its status and its
submitted responses.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PASSWORD = "network horse battery staple"
MAIL_PATIENTS = 16
SURVEY_PATIENTS = 14
SITES = {"A": ("net-a", "Clinic North", 12), "B": ("net-b", "Clinic South", 15)}
ACTOR = "system: network test"


def _treated(staff, site, physician, label: str, n: int, performed_on: date, email: str):
    from disctrack.demo.quick import treated_patient

    return treated_patient(staff, site, physician, f"NET-{label}-{n:04d}", treated_on=performed_on,
                           given_name="Network", family_name=f"Synthetic{label}{n}", email=email)


def _seed_site(label: str, now: datetime) -> tuple[dict, list[dict]]:
    from dateutil.relativedelta import relativedelta

    from disctrack.demo.quick import zone_at_local_hour
    from disctrack.registry.actions import do_add_physician, do_create_site, do_create_staff
    from disctrack.surveys.actions import do_create_link

    code, name, hour = SITES[label]
    zone = zone_at_local_hour(now, hour)
    site = do_create_site(ACTOR, code=code, name=name, timezone=zone)
    physician = do_add_physician(ACTOR, site, f"Dr. {label} Network")
    username = f"coord-{label.lower()}"
    staff = do_create_staff(ACTOR, username=username, password=PASSWORD, site=site, role="coordinator")
    today = now.astimezone(ZoneInfo(zone)).date()
    one_month_window = today + timedelta(days=3) - relativedelta(months=1)
    ids = []
    for n in range(MAIL_PATIENTS):
        patient = _treated(staff, site, physician, label, n, one_month_window,
                           f"{label.lower()}{n}@example.test")
        ids.append(patient.registry_id)
    surveys = []
    for n in range(MAIL_PATIENTS, MAIL_PATIENTS + SURVEY_PATIENTS):
        patient = _treated(staff, site, physician, label, n, today + timedelta(days=10), "")
        baseline = patient.timepoints.get(code="baseline")
        surveys.append({"token": do_create_link(staff, baseline)[1], "site": label,
                        "registry_id": patient.registry_id, "timepoint": baseline.pk})
        ids.append(patient.registry_id)
    return {"code": code, "timezone": zone, "coordinator": username, "password": PASSWORD,
            "patients": ids}, surveys


def seed() -> dict:
    from django.db.models import Q

    from disctrack.core.timing import now_utc
    from disctrack.followup import ladder
    from disctrack.followup.models import OutboundMessage, Step
    from disctrack.registry.actions.timepoints import close_missed

    now = datetime.now(UTC)
    sites, surveys = {}, []
    for label in SITES:
        sites[label], made = _seed_site(label, now)
        surveys += made
    close_missed()
    ladder.open_windows()
    due = OutboundMessage.objects.filter(
        Q(step__in=[Step.EMAIL, Step.EMAIL_REMINDER]), timepoint__code="m1"
    ).update(next_attempt_at=now_utc() - timedelta(seconds=1))
    return {"sites": sites, "surveys": surveys, "due": due}


def report(timepoint_ids: list[int]) -> dict:
    from disctrack.followup.models import EMAIL_STEPS, OutboundMessage
    from disctrack.registry.models import TimePoint
    from disctrack.surveys.models import ResponseStatus

    messages = []
    queue = OutboundMessage.objects.filter(step__in=EMAIL_STEPS).select_related(
        "timepoint__patient__site", "timepoint__patient__identity").prefetch_related("tries")
    for msg in queue:
        patient = msg.timepoint.patient
        messages.append({
            "key": str(msg.idempotency_key), "step": msg.step, "status": msg.status,
            "timepoint": msg.timepoint.code, "site": patient.site.code,
            "registry_id": patient.registry_id, "to": patient.identity.email,
            "attempts": msg.attempts, "last_error": msg.last_error,
            "tries": [{"worker": t.worker, "outcome": t.outcome, "finished": t.finished_at is not None,
                       "error": t.error} for t in msg.tries.all()],
        })
    timepoints = {}
    for tp in TimePoint.objects.filter(pk__in=timepoint_ids).prefetch_related("responses", "links"):
        timepoints[str(tp.pk)] = {
            "status": tp.status, "instruments": sorted(tp.instruments),
            "submitted": sorted(r.instrument for r in tp.responses.all()
                                if r.status == ResponseStatus.SUBMITTED),
            "links_submitted": sum(link.submitted_at is not None for link in tp.links.all()),
        }
    return {"messages": messages, "timepoints": timepoints}


def main() -> None:
    import django

    django.setup()
    if sys.argv[1] == "seed":
        print(json.dumps(seed()))
    elif sys.argv[1] == "report":
        print(json.dumps(report([int(pk) for pk in sys.argv[2:]])))
    else:
        raise SystemExit(f"unknown command {sys.argv[1]!r}; use seed or report")


if __name__ == "__main__":
    main()
