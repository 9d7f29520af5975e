"""`disctrack worker`: send invitations and reminders, open tasks, close missed windows.

Runs until stopped (SIGTERM or Ctrl-C end it after the step in hand); `--once` does all the
work due now and exits, for cron and for tests.
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand

from disctrack.followup.delivery import Dispatcher
from disctrack.followup.sms import sms_backend
from disctrack.followup.worker import default_worker_name, run_pass, summary


class Command(BaseCommand):
    help = "Work the follow-up queue: invitations, reminders, call and letter tasks, missed windows."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="do what is due now, then exit")
        parser.add_argument("--interval", type=float, default=30.0,
                            help="seconds between passes when running on (default 30)")
        parser.add_argument("--name", default="", help="this worker's name in the records")

    def handle(self, *args, once: bool, interval: float, name: str, **options):
        worker = name or default_worker_name()
        # Built now so a bad DISCTRACK_SMS_URL stops the worker at start-up.
        dispatcher = Dispatcher(sms=sms_backend())
        if once:
            try:
                self.stdout.write(f"{worker}: {summary(run_pass(worker, dispatcher))}")
            finally:
                dispatcher.close()
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"{worker}: working the follow-up queue every {interval:g} s")
        while not stop.is_set():
            counts = run_pass(worker, dispatcher, stop=stop)
            dispatcher.close()
            if sum(counts.values()):
                self.stdout.write(f"{worker}: {summary(counts)}")
            stop.wait(interval)
