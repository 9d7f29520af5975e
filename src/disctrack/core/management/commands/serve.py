"""`disctrack serve`: apply migrations, then serve with gunicorn (not runserver)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError
    return number


class Command(BaseCommand):
    help = "Apply database migrations and serve DiscTrack with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--workers",
            type=_positive,
            default=int(os.environ.get("DISCTRACK_WEB_WORKERS", "3")),
            help="gunicorn worker processes",
        )
        parser.add_argument("--no-migrate", action="store_true", help="skip applying migrations")

    def handle(self, *args, host, port, workers, no_migrate, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a TCP port (1-65535)")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        from gunicorn.app.base import BaseApplication

        from disctrack.core.redact import gunicorn_logger_class
        from disctrack.wsgi import application

        class DiscTrackServer(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", 4)
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("timeout", 120)
                self.cfg.set("accesslog", "-")
                # Survey links carry their key in the path: the access log masks it.
                self.cfg.set("logger_class", gunicorn_logger_class())
                self.cfg.set("proc_name", "disctrack")
                # X-Forwarded-Proto (https) is believed only from the declared proxies.
                self.cfg.set("forwarded_allow_ips",
                             ",".join(str(net) for net in settings.TRUSTED_PROXIES))

            def load(self):
                return application

        self.stdout.write(f"DiscTrack is serving at http://{host}:{port}/  (Ctrl-C stops it)")
        DiscTrackServer().run()
