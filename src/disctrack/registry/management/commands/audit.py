"""`disctrack audit verify`: is the audit trail whole, and is the database still guarding it?"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from disctrack.registry.audit_guard import missing_triggers
from disctrack.registry.audit_verify import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="verify")
        commands.add_parser(
            "verify",
            help="walk the hash chain of every audit entry: exit 0 when whole, 1 naming the first "
                 "entry altered or removed, 2 when the database cannot be read",
        )

    def handle(self, *args, subcommand, **options):
        try:
            verdict = verify_chain()
            unguarded = missing_triggers()
        except DatabaseError as exc:
            raise CommandError(f"cannot read the audit trail: {exc}".strip(), returncode=2) from None
        problems = []
        if verdict.intact:
            self.stdout.write(f"audit trail intact: {verdict.entries} entries")
            self.stdout.write(f"chain head: entry #{verdict.head_id}, hash {verdict.head_hash}")
        else:
            problems.append(f"audit trail broken: {verdict.problem}")
        if unguarded:
            problems.append("the database no longer guards the audit trail: triggers absent or "
                            f"disabled: {', '.join(unguarded)}")
        if problems:
            raise CommandError("\n".join(problems), returncode=1)
