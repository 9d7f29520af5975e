"""Invitations dispatched per second to an SMTP server on loopback, and the worker's own
overhead per due item, on SQLite and PostgreSQL.

Run from the repository root with the virtualenv active:

    python bench/bench_followup.py [--patients 300] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

For each backend a fresh database gets `--patients` synthetic treated patients whose 1-month
window is open today, at a site whose timezone puts the local clock near noon (so the
sending hours never hold a message back). Setting up (and the one-off import of every
app's views that the first link's URL triggers) is not timed. Then one worker pass is
timed in two parts: planning the ladders (six steps each) and taking the due invitations.

- "smtp": each invitation goes to an aiosmtpd server on 127.0.0.1 (in the driver process),
  over one SMTP connection per pass, as the worker does.
- "null": the same work with a transport that accepts instantly: what remains is the
  worker's overhead per item (claim, checks, a fresh survey link, the attempt row, the
  record of the outcome, three commits).

"raw SMTP" is Django's SMTP backend alone sending the same number of messages to the same
server: the ceiling the transport puts on the worker. Each backend and mode runs `--repeat` times,
each in its own process on a fresh database; the row shown is the run with the median taking
time, since a shared machine's disk makes single runs noisy.
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta

from _support import run_measurement, with_temporary_postgres
from dateutil.relativedelta import relativedelta

# ---- the worker process ------------------------------------------------------------------

def _setup(patients: int) -> None:
    from disctrack.demo.quick import treated_patient, zone_at_local_hour
    from disctrack.registry.actions import do_add_physician, do_create_site

    now = datetime.now(UTC)
    site = do_create_site("system: bench", code="bench", name="Bench Clinic",
                          timezone=zone_at_local_hour(now, 12))
    physician = do_add_physician("system: bench", site, "Dr. Bench")
    # The 1-month target is three days away: its window (7 days before) opened four days ago.
    treated = now.date() + timedelta(days=3) - relativedelta(months=1)
    for n in range(patients):
        treated_patient("system: bench", site, physician, f"BENCH-{n:06d}", treated_on=treated,
                        family_name=f"Synthetic{n}", email=f"p{n}@example.test")


def run_worker(patients: int, mode: str) -> dict:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    from django.urls import reverse

    from disctrack.followup import ladder
    from disctrack.followup.delivery import Dispatcher
    from disctrack.followup.worker import claim_one, process
    from disctrack.registry.actions.timepoints import close_missed

    class InstantDispatcher(Dispatcher):
        def send(self, envelope, handed_over=None):
            return f"null-{envelope.key}"

    call_command("migrate", verbosity=0)
    _setup(patients)
    close_missed()  # the baselines' windows have closed: not part of the timing
    reverse("survey-start", args=["warm-up"])  # importing every app's views: once, not per item
    dispatcher = InstantDispatcher() if mode == "null" else Dispatcher()
    began = time.perf_counter()
    planned = ladder.open_windows()
    planning = time.perf_counter() - began
    outcomes: dict[str, int] = {}
    began = time.perf_counter()
    while (pk := claim_one("bench")) is not None:
        outcome = str(process(pk, "bench", dispatcher))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    taking = time.perf_counter() - began
    dispatcher.close()
    began = time.perf_counter()
    close_missed(), ladder.open_windows()
    idle = time.perf_counter() - began
    return {"backend": connection.vendor, "mode": mode, "planned": planned, "outcomes": outcomes,
            "planning_s": planning, "taking_s": taking, "idle_pass_ms": idle * 1000}


# ---- the driver --------------------------------------------------------------------------

class Counting:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw_smtp_rate(port: int, messages: int) -> float:
    """Django's SMTP backend alone: `messages` small e-mails over one connection."""
    import django
    from django.conf import settings

    settings.configure(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                       EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_TIMEOUT=20)
    django.setup()
    from django.core.mail import EmailMessage, get_connection

    connection = get_connection()
    connection.open()
    began = time.perf_counter()
    for n in range(messages):
        EmailMessage("Bench Clinic: a questionnaire for you", "Hello\n\nhttp://127.0.0.1/s/x/\n",
                     "no-reply@disctrack.invalid", [f"p{n}@example.test"], connection=connection).send()
    elapsed = time.perf_counter() - began
    connection.close()
    return messages / elapsed


def run_backend(patients: int, mode: str, port: int, database_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-followup-") as home:
        return run_measurement(__file__, [mode, "--patients", str(patients)], {
            "DJANGO_SETTINGS_MODULE": "disctrack.settings", "DISCTRACK_HOME": home,
            "DISCTRACK_EMAIL_URL": f"smtp://127.0.0.1:{port}", "DISCTRACK_SMS_URL": "console:",
            "DISCTRACK_BASE_URL": "http://127.0.0.1:8000", "DATABASE_URL": database_url})


def median_run(repeat: int, run) -> dict | None:
    """The run whose taking time is the median of `repeat` fresh runs (None if unavailable)."""
    rows = [run() for _ in range(repeat)]
    if None in rows:
        return None
    return sorted(rows, key=lambda row: row["taking_s"])[len(rows) // 2]


def print_row(row: dict, patients: int) -> None:
    sent = row["outcomes"].get("sent", 0)
    if sent != patients:
        raise RuntimeError(f"expected {patients} invitations sent, got {row['outcomes']}")
    print(f"{row['backend']:>10} {row['mode']:>5} {patients:>8} {row['planning_s']:>8.2f} "
          f"{row['planned'] / row['planning_s']:>10.0f} {row['taking_s']:>8.2f} "
          f"{sent / row['taking_s']:>11.1f} {row['taking_s'] / sent * 1000:>8.2f} "
          f"{row['idle_pass_ms']:>9.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the median is shown")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server to create a scratch database on ('' to skip)")
    parser.add_argument("--worker", choices=["smtp", "null"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(args.patients, args.worker)))
        return
    from aiosmtpd.controller import Controller

    handler, port = Counting(), free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    try:
        print(f"{args.patients} due invitations per run; SMTP server aiosmtpd on 127.0.0.1:{port}")
        print(f"raw SMTP (Django's backend alone, one connection): "
              f"{raw_smtp_rate(port, args.patients):.0f} messages/s")
        print(f"{'backend':>10} {'mode':>5} {'items':>8} {'plan s':>8} {'steps/s':>10} {'take s':>8} "
              f"{'invites/s':>11} {'ms/item':>8} {'idle ms':>9}")
        for mode in ("smtp", "null"):
            print_row(median_run(args.repeat, lambda m=mode: run_backend(args.patients, m, port, "")),
                      args.patients)
        if args.postgres:
            for mode in ("smtp", "null"):
                row = median_run(args.repeat, lambda m=mode: with_temporary_postgres(
                    args.postgres, lambda url: run_backend(args.patients, m, port, url), "bench_followup"))
                if row is not None:
                    print_row(row, args.patients)
    finally:
        server.stop()
    print("ms/item in the null rows is the worker's overhead per due item (no transport); "
          "idle ms is a pass with nothing due over the same registry.")


if __name__ == "__main__":
    main()
