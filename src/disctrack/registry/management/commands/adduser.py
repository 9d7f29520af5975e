"""`disctrack adduser`: create a staff account with a role at a site."""

from __future__ import annotations

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from disctrack.registry.actions import do_create_staff
from disctrack.registry.choices import Role
from disctrack.registry.models import Site


class Command(BaseCommand):
    help = "Create a staff account with a role at a site (password hashed with Argon2)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--site", required=True, help="site code, e.g. madrid")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args, username, site, role, email, first_name, last_name, password_stdin,
               **options):
        site_obj = Site.objects.filter(code=site).first()
        if site_obj is None:
            known = ", ".join(Site.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"--site {site!r} is not a site code (known: {known})")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The passwords differ")
        try:
            do_create_staff("system: adduser", username=username, password=password, email=email,
                            first_name=first_name, last_name=last_name, site=site_obj, role=role)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(problems) from None
        self.stdout.write(f"Created {username} ({role} at {site_obj.name})")
