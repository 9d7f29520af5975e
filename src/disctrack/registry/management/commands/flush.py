"""`disctrack flush` is refused: emptying the registry would erase the append-only audit trail.

Django's flush deletes every row of every table. DiscTrack's audit trail must outlive any
mistake, so the command line does not offer it; a registry starts afresh in a new
DISCTRACK_HOME or a new database. The test runner, which empties the database between
transactional tests, opens the one door (registry/audit_guard.py) in tests/conftest.py.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.core.management.commands import flush


class Command(flush.Command):
    help = "Refused: emptying the registry would erase its append-only audit trail."

    def handle(self, **options):
        raise CommandError(
            "DiscTrack does not empty a registry: that would erase the append-only audit trail. "
            "To start afresh, use a new DISCTRACK_HOME (SQLite) or a new database (DATABASE_URL); "
            "to replace a registry with a backup, use `disctrack restore --force FILE`.")
