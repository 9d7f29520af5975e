"""`disctrack addsite`: create a site (clinic)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from disctrack.registry.actions import do_create_site


class Command(BaseCommand):
    help = "Create a site (clinic) with its timezone and follow-up protocol."

    def add_arguments(self, parser):
        parser.add_argument("code", help="short lower-case code, e.g. madrid")
        parser.add_argument("--name", required=True)
        parser.add_argument("--timezone", default="UTC", help="IANA name, e.g. Europe/Madrid")
        parser.add_argument("--protocol", default="default")
        parser.add_argument("--sms", action="store_true", help="enable SMS invitations")

    def handle(self, *args, code, name, timezone, protocol, sms, **options):
        try:
            site = do_create_site("system: addsite", code=code, name=name, timezone=timezone,
                                  protocol=protocol, sms_enabled=sms)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(problems) from None
        self.stdout.write(f"Created site {site.code} ({site.name}, {site.timezone})")
