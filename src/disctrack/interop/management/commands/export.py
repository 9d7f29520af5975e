"""`disctrack export DIR`: write the registry in the import format (docs/import-format.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disctrack.interop.errors import ExportRefused
from disctrack.interop.exporter import export_registry

IDENTITY_WARNING = (
    "These files contain patient identity (names, dates of birth, contact details, record "
    "numbers): store them encrypted, share them only with people allowed to see identity, and "
    "delete them when done."
)
DEIDENTIFIED_NOTE = (
    "De-identified: the identity columns are left out, so this file set cannot be imported "
    "again. Free-text columns (notes, descriptions, reasons) are kept: review them before "
    "sharing."
)


class Command(BaseCommand):
    help = ("Export the registry (or one site) as CSV files in the import format "
            "(docs/import-format.md). The files contain patient identity unless --deidentified.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="an empty (or new) folder for the files")
        parser.add_argument("--site", help="export only this site (its code)")
        parser.add_argument("--deidentified", action="store_true",
                            help="leave out the identity columns (the files cannot be re-imported)")
        parser.add_argument("--force", action="store_true",
                            help="write into a folder that is not empty, overwriting the files")

    def handle(self, *args, directory, site, deidentified, force, **options):
        try:
            counts = export_registry(Path(directory), site=site, deidentified=deidentified,
                                     force=force)
        except ExportRefused as exc:
            raise CommandError(str(exc), returncode=2) from None
        written = ", ".join(f"{count} {name.removesuffix('.csv')}" for name, count in counts.items())
        self.stdout.write(f"Exported to {directory}: {written}")
        self.stdout.write(DEIDENTIFIED_NOTE if deidentified else IDENTITY_WARNING)
