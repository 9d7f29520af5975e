"""Staff pages at a network's size: requests/s and p50/p99 latency with 8 concurrent
clients, beside a static file served by the same server in the same run.

Run from the repository root with the virtualenv active:

    python bench/bench_pages.py [--patients 100000] [--base 1000] [--seconds 10] [--home DIR]

The registry is built once into a temporary DISCTRACK_HOME (or --home, kept and reused when it
already holds one): `disctrack demo` draws --base patients at its four clinics through the
registry's actions, then its rows are copied, table by table in SQL, into new clinics until
--patients are reached (every copy is a new set of four clinics with their own physicians,
patients, identities, episodes, treatments, time points, answers, complications, events,
alerts and audit trail, so the network-wide pages see every row). The copies' audit entries
keep the demo's hashes, so `disctrack audit verify` would rightly fail on such a registry; no
page reads the chain. The registry-wide reports are then computed and stored, as the demo does,
so that the report pages are measured serving their stored report rather than computing it.

`disctrack serve` (gunicorn, its default workers and threads) serves it on a free loopback
port. Each page is driven for --seconds by 8 client threads with keep-alive connections, as the
network's administrator (who sees every clinic) and, for the pages a clinic works from, as one
clinic's coordinator. A static file from the same server is measured the same way first: the
ceiling that the server and this client alone put on any page.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

CLIENTS = 8
PASSWORD = "spine-demo-password"
# Tables copied with their clinics; every other table (accounts, settings, stored reports,
# the throttle, survey links and message queues) is left as the demo wrote it.
COPIED = ("registry_site", "registry_physician", "registry_patient", "registry_patientidentity",
          "registry_episode", "registry_levelimaging", "registry_treatment", "registry_timepoint",
          "registry_complication", "registry_event", "surveys_response", "followup_safetyalert",
          "registry_auditentry")


# ---- building the registry ----------------------------------------------------------------

def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def _foreign_keys(db: sqlite3.Connection, table: str) -> dict[str, str]:
    return {row[3]: row[2] for row in db.execute(f'PRAGMA foreign_key_list("{table}")')}


def _copy_expressions(db: sqlite3.Connection, table: str, strides: dict[str, int]) -> list[str]:
    """The SELECT list that makes copy number :k of a row of `table`."""
    keys = _foreign_keys(db, table)
    out = []
    for column in _columns(db, table):
        target = table if column == "id" else keys.get(column)
        if target in strides:
            out.append(f'"{column}" + :k * {strides[target]}')
        elif table == "registry_site" and column == "code":
            out.append("code || '-' || :k")
        elif table == "registry_site" and column == "name":
            out.append("replace(name, ' (demo)', '') || ' ' || :k || ' (demo)'")
        elif column == "registry_id" and table == "registry_patient":
            out.append("registry_id || '-' || :k")
        elif column == "registry_id" and table == "registry_auditentry":
            out.append("CASE WHEN registry_id = '' THEN '' ELSE registry_id || '-' || :k END")
        elif column == "object_id" and table == "registry_auditentry":
            out.append("object_id")
        else:
            out.append(f'"{column}"')
    return out


def grow(path: Path, patients: int) -> int:
    """Copy the demo's clinics until the registry holds about `patients`; returns how many."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    base = db.execute("SELECT count(*) FROM registry_patient").fetchone()[0]
    copies = max(0, -(-patients // base) - 1)
    strides = {table: db.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]
               for table in COPIED}
    statements = []
    for table in COPIED:
        columns = ", ".join(f'"{c}"' for c in _columns(db, table))
        select = ", ".join(_copy_expressions(db, table, strides))
        statements.append(f'INSERT INTO "{table}" ({columns}) SELECT {select} FROM "{table}" '
                          f"WHERE id <= {strides[table]}")
    # The network's administrators hold their role at every new clinic too.
    network_users = [row[0] for row in db.execute(
        "SELECT user_id FROM registry_membership GROUP BY user_id HAVING count(*) = "
        f"(SELECT count(*) FROM registry_site WHERE id <= {strides['registry_site']})")]
    started = time.monotonic()
    for k in range(1, copies + 1):
        with db:
            for statement in statements:
                db.execute(statement, {"k": k})
            for user in network_users:
                db.execute("INSERT INTO registry_membership (user_id, site_id, role) "
                           "SELECT user_id, site_id + :k * :s, role FROM registry_membership "
                           "WHERE user_id = :u AND site_id <= :s",
                           {"k": k, "s": strides["registry_site"], "u": user})
        print(f"  copy {k}/{copies} ({time.monotonic() - started:.0f} s)", flush=True)
    db.execute("ANALYZE")
    total = db.execute("SELECT count(*) FROM registry_patient").fetchone()[0]
    db.close()
    return total


def build(home: Path, patients: int, base: int) -> None:
    env = {**os.environ, "DISCTRACK_HOME": str(home)}
    database = home / "disctrack.sqlite3"
    if database.exists():
        have = sqlite3.connect(database).execute("SELECT count(*) FROM registry_patient").fetchone()[0]
        if have >= patients:
            print(f"Using the registry in {home}: {have:,} patients")
            return
        raise SystemExit(f"{home} holds a registry of {have:,} patients, fewer than --patients; "
                         "give another --home")
    started = time.monotonic()
    subprocess.run(["disctrack", "demo", "--patients", str(base), "--seed", "1"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"Demo of {base:,} patients drawn in {time.monotonic() - started:.0f} s; copying its clinics")
    started = time.monotonic()
    total = grow(database, patients)
    print(f"{total:,} patients in {time.monotonic() - started:.0f} s; computing the registry-wide reports")
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", STORE_REPORTS], env=env, check=True)
    print(f"Reports computed and stored in {time.monotonic() - started:.0f} s")


STORE_REPORTS = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disctrack.settings")
django.setup()
from disctrack.reports.service import registry_wide, store_reports
store_reports(*registry_wide())
"""


# ---- serving and driving ------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("disctrack serve stopped before answering")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("disctrack serve did not answer in time")


def log_in(port: int, username: str) -> str:
    """The Cookie header of a signed-in session."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/login/")
    response = connection.getresponse()
    page = response.read().decode()
    csrf = re.search(r'csrftoken=([^;]+)', response.getheader("Set-Cookie") or "").group(1)
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                   "csrfmiddlewaretoken": form_token})
    connection.request("POST", "/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Referer": f"http://127.0.0.1:{port}/login/"})
    response = connection.getresponse()
    response.read()
    session = re.search(r'sessionid=([^;]+)', response.getheader("Set-Cookie") or "")
    if response.status != 302 or session is None:
        raise SystemExit(f"could not sign in as {username} (HTTP {response.status})")
    return f"csrftoken={csrf}; sessionid={session.group(1)}"


def drive(port: int, path: str, cookie: str, seconds: float) -> dict:
    """8 clients on keep-alive connections requesting `path` for `seconds`."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                bad.append(response.status)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles([x * 1000 for x in latencies], n=100, method="inclusive")
    return {"requests": len(latencies), "rate": len(latencies) / elapsed, "p50": cuts[49],
            "p99": cuts[98], "failures": sorted(set(failures))}


def first_patient(home: Path, site_code: str) -> str:
    db = sqlite3.connect(home / "disctrack.sqlite3")
    row = db.execute(
        "SELECT p.registry_id FROM registry_patient p JOIN registry_site s ON s.id = p.site_id "
        "JOIN surveys_response r ON r.timepoint_id IN (SELECT id FROM registry_timepoint t "
        "WHERE t.patient_id = p.id) WHERE s.code = ? GROUP BY p.id ORDER BY count(r.id) DESC LIMIT 1",
        (site_code,)).fetchone()
    return row[0]


def pages(home: Path) -> list[tuple[str, str, str]]:
    """(what, path, who) of every page measured; who is a demo user name, or '' for nobody."""
    patient = first_patient(home, "madrid")
    admin, coordinator = "network-admin", "madrid-coordinator"
    return [
        ("static file (reference)", "/static/disctrack/app.css", ""),
        ("patient list", "/patients/", admin),
        ("patient list, search", "/patients/?q=garcia", admin),
        ("patient list, filters", "/patients/?status=active&kind=msc", admin),
        ("patient list, page 100", "/patients/?page=100", admin),
        ("patient list, one clinic", "/patients/", coordinator),
        ("patient page", f"/patients/{patient}/", coordinator),
        ("worklist", "/followup/worklist/", admin),
        ("worklist, one clinic", "/followup/worklist/", coordinator),
        ("completeness", "/followup/completeness/", admin),
        ("safety alerts", "/followup/alerts/", admin),
        ("audit trail", "/audit/", admin),
        ("reports", "/reports/", admin),
        ("public outcomes page", "/outcomes/", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=1000, help="patients drawn by the demo before copying")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each page is driven")
    parser.add_argument("--home", help="keep the registry here (reused when it already holds one)")
    args = parser.parse_args()
    scratch = None
    if args.home:
        home = Path(args.home)
        home.mkdir(parents=True, exist_ok=True)
    else:
        scratch = tempfile.TemporaryDirectory(prefix="disctrack-bench-pages-")
        home = Path(scratch.name)
    build(home, args.patients, args.base)
    port = free_port()
    env = {**os.environ, "DISCTRACK_HOME": str(home)}
    server = subprocess.Popen(["disctrack", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, server)
        cookies = {"": ""}
        results = []
        for what, path, who in pages(home):
            if who not in cookies:
                cookies[who] = log_in(port, who)
            drive(port, path, cookies[who], min(1.0, args.seconds))  # warm-up: caches, first queries
            results.append((what, path, who, drive(port, path, cookies[who], args.seconds)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    static_rate = results[0][3]["rate"]
    print(f"\n{args.patients:,} patients, {CLIENTS} concurrent clients, {args.seconds:g} s per page "
          f"(DISCTRACK_WEB_WORKERS={os.environ.get('DISCTRACK_WEB_WORKERS', '3')})")
    print(f"{'page':<28} {'as':<19} {'req/s':>8} {'x static':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for what, _, who, r in results:
        flag = f"  HTTP {r['failures']}" if r["failures"] else ""
        print(f"{what:<28} {who or '-':<19} {r['rate']:8.1f} {r['rate'] / static_rate:9.3f} "
              f"{r['p50']:8.1f} {r['p99']:8.1f}{flag}")
    print(json.dumps({what: {"path": path, **r} for what, path, _, r in results}))


if __name__ == "__main__":
    main()
