"""`disctrack restore FILE`: check a backup whole, then replace the registry with it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disctrack.core.backups import BackupError
from disctrack.core.backups.service import read_passphrase, restore_backup
from disctrack.core.management.commands.backup import add_passphrase_arguments


class Command(BaseCommand):
    help = ("Restore a backup made by `disctrack backup`: check FILE against FILE.sha256 and "
            "every member against the manifest, then replace the database and the secret key. "
            "Refuses a damaged file, and a registry that holds data unless --force.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")
        add_passphrase_arguments(parser)
        parser.add_argument("--verify-only", action="store_true",
                            help="check the backup whole and change nothing")
        parser.add_argument("--force", action="store_true",
                            help="replace a registry that holds data (stop serve and worker first)")
        parser.add_argument("--no-checksum-file", action="store_true",
                            help="restore without FILE.sha256, on the checksums inside the backup alone")

    def handle(self, *args, file, passphrase_file, passphrase_env, verify_only, force,
               no_checksum_file, **options):
        path = Path(file)
        try:
            outcome = restore_backup(path, read_passphrase(passphrase_file, passphrase_env),
                                     force=force, require_sidecar=not no_checksum_file,
                                     verify_only=verify_only)
        except BackupError as exc:
            raise CommandError(f"{exc}. Nothing was restored.", returncode=2) from None
        manifest = outcome.manifest
        made = (f"made {manifest['created_at']} by DiscTrack {manifest['disctrack_version']} "
                f"on {manifest['database']['engine']}")
        if verify_only:
            self.stdout.write(f"{path} is whole: a backup {made}. Nothing was changed.")
            return
        self.stdout.write(f"Restored {path}, a backup {made}, with its secret key.")
        for warning in outcome.warnings:
            self.stderr.write(f"Warning: {warning}")
        if outcome.pending_migrations:
            self.stdout.write(f"This DiscTrack has {len(outcome.pending_migrations)} newer "
                              "migrations: run `disctrack migrate` (serve does) before use.")
