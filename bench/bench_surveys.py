"""Survey submissions per second and latency, on SQLite and PostgreSQL, beside the bare
database's durable commit rate.

Run from the repository root with the virtualenv active:

    python bench/bench_surveys.py [--seconds 10] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

One client answers the full baseline questionnaire set (six instruments) through the
Django test Client, one new patient and link per questionnaire, as a phone would: open
the link, fetch and post each instrument's page, review, send, see the thanks page. Each
backend runs in its own process (Django is configured once per process) against a fresh
database: SQLite in a temporary DISCTRACK_HOME (WAL, synchronous=FULL), PostgreSQL in a
temporary database created and dropped here. Setting up patients is not timed, nor is a
first warm-up set. The bare rate is one-row INSERT + COMMIT in a loop with the same
durability settings: the ceiling that durable commits alone would put on the application
(a set commits about ten times: opening the link, six page saves, the send and two
session writes). Each
measurement stops after --seconds (the bare loops after at most 5).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import date

from _support import run_measurement, with_temporary_postgres

BASELINE = {
    "odi": {"odi_1": 4, **{f"odi_{i}": 2 for i in range(2, 11)}},
    "nrs_pain": {"back": 6, "leg": 3},
    "eq5d5l": {"mo": 2, "sc": 1, "ua": 2, "pd": 3, "ad": 1, "vas": 70},
    "promis10": {**{f"global{i:02d}": 3 for i in range(1, 11)}, "global07": 5},
    "work_status": {"work_status": "part_time", "not_working_due_to_back": "yes"},
    "analgesic_use": {"analgesic": "none"},
}
SETUP_BATCH = 25


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95 and p99 in milliseconds (inclusive method: no extrapolation past the data)."""
    if len(samples) < 2:
        value = samples[0] * 1000 if samples else float("nan")
        return {"p50": value, "p95": value, "p99": value}
    cuts = statistics.quantiles([s * 1000 for s in samples], n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


# ---- the worker: one Django process per backend ------------------------------------------

def _setup_site():
    from disctrack.registry.actions import do_add_physician, do_create_site, do_create_staff

    site = do_create_site("system: bench", code="bench", name="Bench Clinic", timezone="Europe/Madrid")
    physician = do_add_physician("system: bench", site, "Dr. Bench")
    staff = do_create_staff("system: bench", username="bench", password="bench horse battery 9",
                            site=site, role="coordinator")
    return site, physician, staff


def _new_links(site, physician, staff, start: int, count: int) -> list[str]:
    """`count` synthetic patients with an MSC treatment, and a baseline link for each."""
    from disctrack.demo.quick import treated_patient
    from disctrack.surveys.actions import do_create_link

    tokens = []
    for n in range(start, start + count):
        patient = treated_patient(staff, site, physician, f"BENCH-{n:06d}", treated_on=date(2026, 2, 1),
                                  family_name=f"Synthetic{n}")
        tokens.append(do_create_link(staff, patient.timepoints.get(code="baseline"))[1])
    return tokens


SEND_QUERIES = [0]  # of the last send
QUERIES = [0]  # statements sent to the database by the worker, counted by _count_queries


def _count_queries(execute, sql, params, many, context):
    QUERIES[0] += 1
    return execute(sql, params, many, context)


def _timed(client, method: str, url: str, expected: int, pages: list[float], data=None):
    began = time.perf_counter()
    response = client.post(url, data) if method == "POST" else client.get(url)
    elapsed = time.perf_counter() - began
    pages.append(elapsed)
    if response.status_code != expected:
        raise RuntimeError(f"{method} {url} answered {response.status_code}, expected {expected}")
    return elapsed


def _questionnaire(token: str, pages: list[float]) -> float:
    """Answer and send one questionnaire set as a browser would; the send's latency."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    _timed(client, "GET", reverse("survey-start", args=[token]), 200, pages)
    for number, (instrument, answers) in enumerate(BASELINE.items(), start=1):
        url = reverse("survey-step", args=[token, number])
        _timed(client, "GET", url, 200, pages)
        fields = {f"{instrument}-{code}": str(value) for code, value in answers.items()}
        _timed(client, "POST", url, 302, pages, {**fields, "go": "next"})
    review = reverse("survey-review", args=[token])
    _timed(client, "GET", review, 200, pages)
    before = QUERIES[0]
    sent = _timed(client, "POST", review, 302, pages, {})
    SEND_QUERIES[0] = QUERIES[0] - before
    _timed(client, "GET", reverse("survey-done", args=[token]), 200, pages)
    return sent


def run_worker(seconds: float) -> dict:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    site, physician, staff = _setup_site()
    # The first set pays for imports, template compilation and the instrument library.
    _questionnaire(_new_links(site, physician, staff, -1, 1)[0], [])
    pages: list[float] = []
    sends: list[float] = []
    pool: list[str] = []
    timed = 0.0
    queries = 0
    with connection.execute_wrapper(_count_queries):
        while timed < seconds:
            if not pool:
                pool = _new_links(site, physician, staff, len(sends), SETUP_BATCH)
            token = pool.pop()
            began, counted = time.perf_counter(), QUERIES[0]
            sends.append(_questionnaire(token, pages))
            timed += time.perf_counter() - began
            queries += QUERIES[0] - counted
    return {
        "backend": connection.vendor, "questionnaires": len(sends), "seconds": timed,
        "per_second": len(sends) / timed, "requests": len(pages),
        "send_ms": percentiles(sends), "page_ms": percentiles(pages),
        "queries_per_set": queries / max(len(sends), 1), "queries_per_send": SEND_QUERIES[0],
    }


# ---- the driver: bare commit rates, subprocesses, the table ------------------------------

def sqlite_commit_rate(folder: str, seconds: float) -> float:
    db = sqlite3.connect(os.path.join(folder, "bare.sqlite3"))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE row (id INTEGER PRIMARY KEY, payload TEXT)")
    db.commit()
    return _commit_loop(lambda: db.execute("INSERT INTO row (payload) VALUES ('x')"), db.commit, seconds)


def postgres_commit_rate(url: str, seconds: float) -> float:
    import psycopg

    with psycopg.connect(url) as db:
        db.execute("CREATE TABLE bare_row (id bigserial PRIMARY KEY, payload text)")
        db.commit()
        return _commit_loop(lambda: db.execute("INSERT INTO bare_row (payload) VALUES ('x')"),
                            db.commit, seconds)


def _commit_loop(insert, commit, seconds: float) -> float:
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        insert()
        commit()
        count += 1
    return count / (time.perf_counter() - began)


def run_backend(seconds: float, home: str, database_url: str = "") -> dict:
    return run_measurement(__file__, ["--seconds", str(seconds)], {
        "DJANGO_SETTINGS_MODULE": "disctrack.settings", "DISCTRACK_HOME": home,
        "DISCTRACK_ALLOWED_HOSTS": "testserver", "DISCTRACK_EMAIL_URL": "console:",
        "DATABASE_URL": database_url})


def print_table(rows: list[dict]) -> None:
    print(f"\n{'database':<11} {'measure':<34} {'rate /s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'n':>6}")
    for row in rows:
        lat = row.get("latency") or {}
        cells = [f"{lat[k]:>8.1f}" if k in lat else f"{'':>8}" for k in ("p50", "p95", "p99")]
        print(f"{row['database']:<11} {row['measure']:<34} {row['rate']:>9.1f} {' '.join(cells)} {row['n']:>6}")


def _rows(database: str, result: dict, bare: float, seconds: float) -> list[dict]:
    n = result["questionnaires"]
    return [
        {"database": database, "measure": "questionnaire sets sent", "rate": result["per_second"],
         "latency": result["send_ms"], "n": n},
        {"database": database, "measure": f"page requests ({result['requests'] // max(n, 1)} per set)",
         "rate": result["requests"] / result["seconds"], "latency": result["page_ms"],
         "n": result["requests"]},
        {"database": database, "measure": "bare INSERT+COMMIT of one row", "rate": bare,
         "n": int(bare * seconds)},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measurement")
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(args.seconds)))
        return
    bare_seconds = min(args.seconds, 5.0)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-surveys-") as folder:
        print(f"SQLite in {folder} ...", flush=True)
        result = run_backend(args.seconds, os.path.join(folder, "home"))
        bare = {"SQLite": sqlite_commit_rate(folder, bare_seconds)}
        measured = [("SQLite", result)]
        rows += _rows("SQLite", result, bare["SQLite"], bare_seconds)
        print("PostgreSQL ...", flush=True)
        pg = with_temporary_postgres(args.postgres, lambda url: (
            run_backend(args.seconds, os.path.join(folder, "pg-home"), url),
            postgres_commit_rate(url, bare_seconds),
        ), "bench_surveys")
        if pg is not None:
            bare["PostgreSQL"] = pg[1]
            measured.append(("PostgreSQL", pg[0]))
            rows += _rows("PostgreSQL", pg[0], pg[1], bare_seconds)
    print_table(rows)
    for database, result in measured:
        ratio = result["requests"] / result["seconds"] / bare[database]
        print(f"{database}: {result['queries_per_set']:.0f} queries per questionnaire set, "
              f"{result['queries_per_send']} in the send; page requests {ratio:.3f} of the bare commit rate")
    print("\nOne client, sequential; latency of the send is the final POST (validate, score and store "
          "six instruments,\naudit, close the link); page requests include every GET and POST of a set.")


if __name__ == "__main__":
    main()
