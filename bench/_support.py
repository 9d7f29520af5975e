"""What the benchmarks share: a throw-away PostgreSQL database and a measuring subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlparse


def with_temporary_postgres(server_url: str, work, prefix: str):
    """Create a database beside `server_url`'s, run `work(url)`, drop it; None if unreachable."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    try:
        admin = psycopg.connect(server_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL skipped: cannot connect to {server_url} ({exc})".strip())
        return None
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            return work(urlparse(server_url)._replace(path=f"/{name}").geturl())
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_measurement(script: str, args: list[str], env: dict[str, str]) -> dict:
    """Run `script --worker ARGS` in a fresh process (its own settings); its last line is JSON."""
    out = subprocess.run([sys.executable, script, "--worker", *args], env={**os.environ, **env},
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"benchmark worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])
