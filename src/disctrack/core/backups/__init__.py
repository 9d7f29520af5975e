"""`disctrack backup` and `disctrack restore`: one file holding the whole registry.

A backup is a gzip-compressed tar archive, optionally encrypted with a passphrase
(`encryption.py`), holding `manifest.json` (versions, migrations, the SHA-256 of every
member), a consistent snapshot of the database (`databases.py`) and the secret key. The
SHA-256 of the whole file is written beside it in `FILE.sha256`. File format: docs/operations.md.
"""


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why and what to do."""
