"""`disctrack import DIR`: load a registry's CSV files, all or nothing (docs/import-format.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disctrack.interop.errors import ImportFailed
from disctrack.interop.importer import import_directory


class Command(BaseCommand):
    help = ("Import sites, physicians, patients, episodes, imaging, treatments, responses, "
            "closed time points, complications and events from the CSV files in DIR "
            "(docs/import-format.md). One transaction: any error and nothing is imported.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder holding sites.csv, patients.csv, ...")

    def handle(self, *args, directory, **options):
        path = Path(directory)
        if not path.is_dir():
            raise CommandError(f"{directory} is not a directory", returncode=2)
        try:
            counts = import_directory(path)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.skipped:
                self.stderr.write("Rows that refer to a rejected row were not checked further: "
                                  "fix the errors above and import again.")
            raise CommandError(f"{len(exc.errors)} error(s) in {directory}; nothing was imported",
                               returncode=2) from None
        loaded = ", ".join(f"{count} {name.removesuffix('.csv')}" for name, count in counts.items()
                           if count)
        self.stdout.write(f"Imported from {directory}: {loaded or 'nothing (the files are empty)'}")
