"""The `disctrack` command.

`instruments` and `score` work without a database; everything else is a Django management
command of one of DiscTrack's apps (serve, worker, demo, adduser, import, export, outcomes,
migrate, ...). `disctrack help` lists them.
"""

from __future__ import annotations

import os
import signal
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("instruments", "score"):
        # `disctrack instruments show odi --json | head` should end quietly, as other
        # filters do. Only here: a server must not die when a client hangs up.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if argv and argv[0] == "instruments":
        from disctrack.instruments.cli import instruments_main

        return instruments_main(argv[1:])
    if argv and argv[0] == "score":
        from disctrack.instruments.cli import score_main

        return score_main(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disctrack.settings")
    from disctrack.config import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["disctrack", *argv])
    except ConfigError as exc:
        print(f"disctrack: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
