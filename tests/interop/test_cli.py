"""The `disctrack import` and `export` commands as an operator runs them: exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys

from disctrack.interop.csv_format import EPISODES, PATIENTS


def _disctrack(home, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "DISCTRACK_HOME": str(home), "DJANGO_SETTINGS_MODULE": "disctrack.settings"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "disctrack.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_bad_import_exits_2_with_the_errors_on_stderr(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    (files / "sites.csv").write_text("code,name,timezone,protocol\nnorth,North,Mars/Base,default\n")
    (files / "physicians.csv").write_text("site,name\n")
    (files / "patients.csv").write_text(",".join(PATIENTS.names) + "\n")
    (files / "episodes.csv").write_text(",".join(EPISODES.names) + "\n")
    assert _disctrack(tmp_path, "migrate", "--verbosity", "0").returncode == 0

    result = _disctrack(tmp_path, "import", str(files))

    assert result.returncode == 2
    assert "sites.csv row 2, column timezone: 'Mars/Base' is not an IANA timezone" in result.stderr
    assert "1 error(s)" in result.stderr and "nothing was imported" in result.stderr

    refused = _disctrack(tmp_path, "export", str(files))
    assert refused.returncode == 2
    assert "is not empty" in refused.stderr
