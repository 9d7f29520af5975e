"""`disctrack backup FILE`: the whole registry in one file, safe while DiscTrack is in use."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disctrack.core.backups import BackupError
from disctrack.core.backups.archive import sidecar
from disctrack.core.backups.service import make_backup, read_passphrase

PASSPHRASE_ENV = "DISCTRACK_BACKUP_PASSPHRASE"
PLAIN_WARNING = ("The backup is not encrypted and holds patient identity and the secret key: "
                 "keep it where only people allowed to see identity can read it, or use --encrypt.")


def add_passphrase_arguments(parser) -> None:
    parser.add_argument("--passphrase-file", metavar="PATH",
                        help="read the passphrase from the first line of this file")
    parser.add_argument("--passphrase-env", metavar="NAME", default=PASSPHRASE_ENV,
                        help=f"read the passphrase from this environment variable (default {PASSPHRASE_ENV})")


class Command(BaseCommand):
    help = ("Write the registry (a consistent snapshot of the database, and the secret key) to "
            "FILE, and its SHA-256 to FILE.sha256. Safe while DiscTrack is serving.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write")
        parser.add_argument("--encrypt", action="store_true",
                            help="encrypt with a passphrase (scrypt and AES-256-GCM); the "
                                 "passphrase is never taken from the command line")
        add_passphrase_arguments(parser)
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args, file, encrypt, passphrase_file, passphrase_env, force, **options):
        path = Path(file)
        if path.is_dir() or not path.parent.is_dir():
            raise CommandError(f"{path} must name a file in an existing folder", returncode=2)
        if path.exists() and not force:
            raise CommandError(f"{path} exists; choose another name, or use --force to replace it",
                               returncode=2)
        try:
            passphrase = read_passphrase(passphrase_file, passphrase_env) if encrypt else None
            if encrypt and passphrase is None:
                raise BackupError(f"--encrypt needs a passphrase: set {passphrase_env} or use "
                                  "--passphrase-file")
            if passphrase_file and not encrypt:
                raise BackupError("--passphrase-file given without --encrypt")
            outcome = make_backup(path, passphrase)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        database = outcome.manifest["database"]
        self.stdout.write(f"Backed up the {database['engine']} registry to {path} "
                          f"({path.stat().st_size} bytes{', encrypted' if encrypt else ''})")
        self.stdout.write(f"SHA-256 {outcome.sha256}, written to {sidecar(path)}")
        if not encrypt:
            self.stdout.write(PLAIN_WARNING)
