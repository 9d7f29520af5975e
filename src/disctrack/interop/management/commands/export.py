"""`disctrack export DIR`: write the registry in the import format (docs/import-format.md)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from disctrack.interop.errors import ExportRefused
from disctrack.interop.exporter import export_registry

IDENTITY_WARNING = (
    "These files contain patient identity (names, dates of birth, contact details, record "
    "numbers): store them encrypted, share them only with people allowed to see identity, and "
    "delete them when done."
)
DEIDENTIFIED_NOTE = (
    "De-identified (HIPAA Safe Harbor): patients are named by study ids whose key stays in the "
    "registry, dates are days from the index treatment, free text is left out; this file set "
    "cannot be imported again."
)
FREE_TEXT_WARNING = (
    "Free text is included as typed (--include-free-text, for {user}): notes, reasons and "
    "descriptions may name or date a patient, so these files are NOT de-identified until "
    "someone has read every free-text cell."
)


class Command(BaseCommand):
    help = ("Export the registry (or one site) as CSV files in the import format "
            "(docs/import-format.md). The files contain patient identity unless --deidentified.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="an empty (or new) folder for the files")
        parser.add_argument("--site", help="export only this site (its code)")
        parser.add_argument("--deidentified", action="store_true",
                            help="the HIPAA Safe Harbor de-identified file set (cannot be "
                                 "re-imported)")
        parser.add_argument("--include-free-text", action="store_true",
                            help="with --deidentified and --as: keep notes, reasons and "
                                 "descriptions as typed (the user's role must allow identity)")
        parser.add_argument("--as", dest="username", metavar="USERNAME",
                            help="with --deidentified: the staff user the files are for; needs a "
                                 "role at every exported site")
        parser.add_argument("--force", action="store_true",
                            help="write into a folder that is not empty, overwriting the files")

    def handle(self, *args, directory, site, deidentified, include_free_text, username, force,
               **options):
        if username is not None and not deidentified:
            raise CommandError("--as applies to a de-identified export only", returncode=2)
        try:
            counts = export_registry(Path(directory), site=site, deidentified=deidentified,
                                     force=force, user=_user(username),
                                     include_free_text=include_free_text)
        except ExportRefused as exc:
            raise CommandError(str(exc), returncode=2) from None
        written = ", ".join(f"{count} {name.removesuffix('.csv')}" for name, count in counts.items())
        self.stdout.write(f"Exported to {directory}: {written}")
        if not deidentified:
            self.stdout.write(IDENTITY_WARNING)
        elif include_free_text:
            self.stdout.write(FREE_TEXT_WARNING.format(user=username))
        else:
            self.stdout.write(DEIDENTIFIED_NOTE)


def _user(username: str | None):
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no staff user named {username!r}", returncode=2)
    return user
