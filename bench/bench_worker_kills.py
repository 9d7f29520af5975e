"""Messages lost and messages received twice when `disctrack worker` is killed during sends.

Run from the repository root with the virtualenv active:

    python bench/bench_worker_kills.py [--patients 60] [--kills 60] [--seed 1] [--postgres URL]

Each run has a fresh database (SQLite in its own DISCTRACK_HOME, or a scratch PostgreSQL
database) holding `--patients` treated patients, each with four messages due now: the
invitation and two reminder e-mails and the SMS reminder (the ladder's later days brought
forward). A slow mail server and a slow SMS provider run on loopback in the measuring process:

- the SMTP server (aiosmtpd) takes 10 ms to accept each recipient and, once the end of the
  message has arrived, keeps it (it is delivered even if the client goes away) and takes
  30 ms more before it replies, as a server that writes its queue and scans does;
- the SMS server is Twilio-compatible, takes 30 ms after receiving a message before it
  answers, and honours the `Idempotency-Key` header: a repeated key is answered with the
  first message's id and not delivered again.

"reference" runs `disctrack worker --once` with nothing killed. "kills" runs
`disctrack worker` as a service and kills it with SIGKILL `--kills` times, each at a random
moment 0 to 300 ms after the sinks see its first message, restarting it each time; before
each restart the killed worker's leases are ended (as 5 minutes of waiting would). Then one
last `disctrack worker --once` finishes the queue. Each message is then counted at the sinks
by its key (the e-mail's Message-ID, the SMS's idempotency key): lost if received 0 times,
duplicated if received more than once. "interrupted" counts the tries a kill cut short after
they were recorded as started.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from _support import run_measurement, with_temporary_postgres
from bench_followup import free_port
from dateutil.relativedelta import relativedelta

SMTP_RCPT_S, SMTP_DATA_S, SMS_S = 0.010, 0.030, 0.030
KILL_WINDOW_S = 0.300
_MESSAGE_ID = re.compile(r"^Message-ID:\s*<([^@>]+)@", re.IGNORECASE | re.MULTILINE)


# ---- the sinks ---------------------------------------------------------------------------

class Sinks:
    """What the mail server and the SMS provider received, by message key."""

    def __init__(self):
        self.email: Counter = Counter()
        self.sms_requests: Counter = Counter()
        self.sms_sid: dict[str, str] = {}
        self.activity = threading.Event()
        self.lock = threading.Lock()


class SlowSmtp:
    def __init__(self, sinks: Sinks):
        self.sinks = sinks

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.sinks.activity.set()
        await asyncio.sleep(SMTP_RCPT_S)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        found = _MESSAGE_ID.search(envelope.content.decode("utf-8", errors="replace"))
        with self.sinks.lock:
            self.sinks.email[found.group(1) if found else "?"] += 1  # it has the message now
        await asyncio.sleep(SMTP_DATA_S)
        return "250 Message accepted for delivery"


def sms_handler(sinks: Sinks):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            sinks.activity.set()
            key = self.headers.get("Idempotency-Key") or f"none-{time.monotonic_ns()}"
            with sinks.lock:
                sinks.sms_requests[key] += 1
                sid = sinks.sms_sid.setdefault(key, f"SM{len(sinks.sms_sid):032d}")
            time.sleep(SMS_S)
            data = json.dumps({"sid": sid, "status": "queued"}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            """Quiet: the benchmark prints its own figures."""

    return Handler


# ---- the measuring process ---------------------------------------------------------------

def _setup(patients: int) -> None:
    from django.db.models import Q

    from disctrack.core.timing import now_utc
    from disctrack.demo.quick import treated_patient, zone_at_local_hour
    from disctrack.followup import ladder
    from disctrack.followup.models import OutboundMessage, Step
    from disctrack.registry.actions import do_add_physician, do_create_site
    from disctrack.registry.actions.timepoints import close_missed

    now = datetime.now(UTC)
    site = do_create_site("system: bench", code="bench", name="Bench Clinic",
                          timezone=zone_at_local_hour(now, 12), sms_enabled=True)
    physician = do_add_physician("system: bench", site, "Dr. Bench")
    treated = now.date() + timedelta(days=3) - relativedelta(months=1)  # 1-month window open
    for n in range(patients):
        treated_patient("system: bench", site, physician, f"BENCH-{n:06d}", treated_on=treated,
                        family_name=f"Synthetic{n}", email=f"p{n}@example.test",
                        mobile_phone=f"+3460{n:07d}")
    close_missed()
    ladder.open_windows()
    # The reminders and the SMS are brought forward: every message of the ladder is due now.
    OutboundMessage.objects.filter(
        Q(step__in=[Step.EMAIL, Step.EMAIL_REMINDER, Step.SMS]), timepoint__code="m1"
    ).update(next_attempt_at=now_utc() - timedelta(seconds=1))


def _messages():
    from disctrack.followup.models import OutboundMessage, Step

    return OutboundMessage.objects.filter(step__in=[Step.EMAIL, Step.EMAIL_REMINDER, Step.SMS],
                                          timepoint__code="m1")


def _due_left() -> int:
    from disctrack.core.timing import now_utc
    from disctrack.followup.models import LIVE_STATUSES

    return _messages().filter(status__in=LIVE_STATUSES, next_attempt_at__lte=now_utc()).count()


def _end_leases() -> None:
    """The killed worker's leases end now rather than after LEASE: as if we had waited."""
    from disctrack.core.timing import now_utc
    from disctrack.followup.models import MessageStatus

    _messages().filter(status=MessageStatus.CLAIMED).update(next_attempt_at=now_utc() - timedelta(seconds=1))


def _worker_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "disctrack.cli", "worker", *args]


def _kill_loop(sinks: Sinks, kills: int, rng: random.Random, log) -> int:
    done = 0
    while done < kills and _due_left():
        sinks.activity.clear()
        worker = subprocess.Popen(_worker_command("--interval", "0.2", "--name", f"life-{done}"),
                                  stdout=subprocess.DEVNULL, stderr=log)
        if not sinks.activity.wait(timeout=120):
            worker.kill()
            raise RuntimeError("the worker sent nothing within 120 s")
        time.sleep(rng.uniform(0, KILL_WINDOW_S))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        done += 1
        _end_leases()
    return done


def measure(mode: str, patients: int, kills: int, seed: int) -> dict:
    import django
    from django.core.management import call_command

    smtp_port = free_port()
    sinks = Sinks()
    sms_server = ThreadingHTTPServer(("127.0.0.1", 0), sms_handler(sinks))
    os.environ["DISCTRACK_EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    os.environ["DISCTRACK_SMS_URL"] = (f"twilio://AC1:token@127.0.0.1:{sms_server.server_address[1]}"
                                       "?from=%2B15550100&tls=0")
    django.setup()
    from aiosmtpd.controller import Controller
    from django.db import connection

    from disctrack.followup.models import Attempt, MessageStatus

    call_command("migrate", verbosity=0)
    _setup(patients)
    smtp = Controller(SlowSmtp(sinks), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    threading.Thread(target=sms_server.serve_forever, daemon=True).start()
    log_path = os.path.join(os.environ["DISCTRACK_HOME"], "worker.log")
    try:
        with open(log_path, "w") as log:
            began = time.perf_counter()
            done = _kill_loop(sinks, kills, random.Random(seed), log) if mode == "kills" else 0
            subprocess.run(_worker_command("--once", "--name", "last"), check=True,
                           stdout=subprocess.DEVNULL, stderr=log)
            elapsed = time.perf_counter() - began
    except subprocess.CalledProcessError:
        with open(log_path) as log:
            raise RuntimeError(log.read()[-3000:]) from None
    finally:
        smtp.stop()
        sms_server.shutdown()
    if mode == "kills" and done < kills:
        raise RuntimeError(f"the queue ran out after {done} kills; use more --patients")
    messages = list(_messages().values_list("idempotency_key", "step", "status"))
    received = Counter()
    for key, step, _ in messages:
        received[str(key)] = (1 if sinks.sms_requests[str(key)] else 0) if step == "sms" else sinks.email[str(key)]
    cut = Attempt.objects.filter(message__in=_messages(), outcome__in=["interrupted", "handed_over"])
    return {
        "backend": connection.vendor, "mode": mode, "messages": len(messages), "kills": done,
        "sms": sum(step == "sms" for _, step, _ in messages),
        "not_sent": sum(status != MessageStatus.SENT for _, _, status in messages),
        "interrupted": cut.count(),
        "interrupted_sms": cut.filter(message__step="sms").count(),
        "lost": sum(received[str(key)] == 0 for key, _, _ in messages),
        "duplicated": sum(received[str(key)] > 1 for key, _, _ in messages),
        "sms_repeats_dropped": sum(n - 1 for n in sinks.sms_requests.values() if n > 1),
        "elapsed_s": elapsed,
    }


# ---- the driver --------------------------------------------------------------------------

def run(mode: str, args, database_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-kills-") as home:
        return run_measurement(__file__, [mode, "--patients", str(args.patients), "--kills",
                                          str(args.kills), "--seed", str(args.seed)], {
            "DJANGO_SETTINGS_MODULE": "disctrack.settings", "DISCTRACK_HOME": home,
            "DISCTRACK_BASE_URL": "http://127.0.0.1:8000", "DATABASE_URL": database_url})


def print_row(row: dict) -> None:
    print(f"{row['backend']:>10} {row['mode']:>9} {row['messages']:>8} {row['kills']:>6} "
          f"{row['interrupted']:>12} {row['lost']:>5} {row['duplicated']:>11} "
          f"{row['sms_repeats_dropped']:>12} {row['not_sent']:>9} {row['elapsed_s']:>8.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=60, help="four messages each")
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server to create a scratch database on ('' to skip)")
    parser.add_argument("--worker", choices=["reference", "kills"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, args.patients, args.kills, args.seed)))
        return
    print(f"{args.patients * 4} messages per run ({args.patients} SMS); SMTP server: {SMTP_RCPT_S * 1000:g} ms "
          f"per recipient, {SMTP_DATA_S * 1000:g} ms after the end of data; SMS provider: {SMS_S * 1000:g} ms")
    print(f"{'backend':>10} {'run':>9} {'messages':>8} {'kills':>6} {'interrupted':>12} {'lost':>5} "
          f"{'duplicated':>11} {'SMS repeats':>12} {'not sent':>9} {'time s':>8}")
    for mode in ("reference", "kills"):
        print_row(run(mode, args, ""))
    if args.postgres:
        for mode in ("reference", "kills"):
            row = with_temporary_postgres(args.postgres, lambda url, m=mode: run(m, args, url),
                                          "bench_kills")
            if row is not None:
                print_row(row)
    print("lost: received 0 times; duplicated: received more than once (an SMS counts once however "
          "often it was posted with its key: 'SMS repeats' is how many repeated posts the key dropped); "
          "interrupted: tries cut by a kill after they were recorded as started.")


if __name__ == "__main__":
    main()
