"""A network of clinics on one PostgreSQL server: two `disctrack serve` processes and two
`disctrack worker` processes share a fresh database (and one secret key) while patients
answer questionnaires over HTTP and the workers are killed (SIGKILL) at random moments. Each
patient's requests alternate between the servers, as behind a load balancer: a questionnaire
started on one goes on on the other, with the same cookies. The patients answer until the
last kill (each finishing the questionnaire in hand); the queue is then drained.

Checked at the end, against the database and an SMTP server on loopback:

- every questionnaire whose final POST was acknowledged is stored submitted: lost = 0;
- every due e-mail is recorded as sent and arrived at the SMTP server, each exactly once
  (counted by the Message-ID the worker sets from the message's key). docs/followup.md
  promises one exception: a worker killed after writing the end of the message and before
  committing `handed_over` leaves its try `started`, and the next worker sends again. A copy
  more than once is accepted only when the message has as many such `interrupted` tries by a
  killed worker as extra copies; any other repeat fails the test;
- a coordinator at each site, logged in through one server and then the other, lists every
  patient of their own site and none of the other's, whose patient page is "not found".

A killed worker's leases are ended at once, as five minutes of waiting would (the same as
bench/bench_worker_kills.py). Processes, homes and logs live in the test's tmp_path; a
failure names what went wrong and quotes the logs that explain it.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest
from tests.surveys.helpers import BASELINE

LOAD = Path(__file__).with_name("network_load.py")
KILLS = 8
KILL_WINDOW_S = 0.5  # each kill falls 0 to this long after the victim's first try
SURVEY_THREADS = 4
MIN_SUBMISSIONS = 6
THINK_S = 0.05  # at most this long between a patient's requests
SMTP_RCPT_S, SMTP_DATA_S = 0.02, 0.08  # a server that checks the recipient, and writes its queue
BOOT_S = 120  # migrate, serve and worker start-up on a busy machine
HTTP_TIMEOUT_S = 60
_MESSAGE_ID = re.compile(r"^Message-ID:\s*<([^@>]+)@", re.IGNORECASE | re.MULTILINE)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PATIENT_LINK = re.compile(r'href="/patients/(DT-[0-9A-Z]{4}-[0-9A-Z]{4})/"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- the database, the mail server, the processes -----------------------------------------

@pytest.fixture
def network_database():
    """A fresh database on the run's PostgreSQL server, dropped afterwards even on failure."""
    import psycopg

    server = urlparse(os.environ["DATABASE_URL"])
    admin_url = server._replace(path="/postgres").geturl()
    name = f"disctrack_net_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class MailSink:
    """An SMTP server's handler that counts each whole message by its Message-ID key."""

    def __init__(self):
        self.copies: Counter = Counter()
        self.recipients: dict[str, set[str]] = {}
        self.without_id: list[list[str]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(SMTP_RCPT_S)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        found = _MESSAGE_ID.search(envelope.content.decode("utf-8", errors="replace"))
        with self.lock:  # the end of the message has arrived: the server keeps it
            if found:
                self.copies[found.group(1)] += 1
                self.recipients.setdefault(found.group(1), set()).update(envelope.rcpt_tos)
            else:
                self.without_id.append(list(envelope.rcpt_tos))
        await asyncio.sleep(SMTP_DATA_S)
        return "250 Message accepted for delivery"


class Processes:
    """Every process the test starts, each in its own session, home folder and log file."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.env = root, env
        self.running: dict[str, subprocess.Popen] = {}
        (root / "logs").mkdir()

    def log(self, name: str) -> Path:
        return self.root / "logs" / f"{name}.log"

    def tail(self, name: str, chars: int = 2500) -> str:
        text = self.log(name).read_text(errors="replace") if self.log(name).exists() else ""
        return f"--- {name} log (last {chars} characters) ---\n{text[-chars:]}"

    def start(self, name: str, *args: str) -> subprocess.Popen:
        home = self.root / f"home-{name}"
        with open(self.log(name), "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "disctrack.cli", *args],
                                    env={**self.env, "DISCTRACK_HOME": str(home)}, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.running[name] = proc
        return proc

    def run(self, name: str, *args: str, script: Path | None = None) -> str:
        """Run to its end; its stdout, or a failure quoting its output."""
        command = [str(script), *args] if script else ["-m", "disctrack.cli", *args]
        home = self.root / f"home-{name}"
        try:
            out = subprocess.run([sys.executable, *command], env={**self.env, "DISCTRACK_HOME": str(home)},
                                 capture_output=True, text=True, timeout=BOOT_S * 2)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} ({' '.join(args)}) did not finish within {BOOT_S * 2} s")
        self.log(name).write_text(out.stdout + out.stderr)
        if out.returncode != 0:
            pytest.fail(f"{name} ({' '.join(args)}) exited with {out.returncode}:\n{out.stderr[-3000:]}")
        return out.stdout

    def kill(self, name: str) -> None:
        proc = self.running.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self, name: str, grace_s: float = 20) -> int | None:
        """SIGTERM (a worker finishes the step in hand), then SIGKILL; the exit status."""
        proc = self.running.pop(name)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                return proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return None
        with contextlib.suppress(ProcessLookupError):  # children left behind (gunicorn's workers)
            os.killpg(proc.pid, signal.SIGKILL)
        return proc.returncode

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)

    def exited(self, name: str) -> str | None:
        proc = self.running[name]
        if proc.poll() is None:
            return None
        return f"{name} exited with {proc.returncode}\n{self.tail(name)}"


# ---- a browser: cookies, CSRF, no automatic redirects -------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """One browser's cookies, shared by both servers as behind a load balancer."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of a GET, or of a POST of `data`."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=HTTP_TIMEOUT_S) as answer:
                return answer.status, answer.headers.get("Location", ""), answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode(errors="replace")

    def expect(self, url: str, status: int, data: dict | None = None) -> tuple[str, str]:
        got, location, body = self.request(url, data)
        if got != status:
            raise AssertionError(f"{'POST' if data is not None else 'GET'} {_masked(url)} answered {got}, "
                                 f"expected {status}: {body[:300]!r}")
        return location, body


def _masked(url: str) -> str:
    return re.sub(r"/s/[^/]+/", "/s/TOKEN/", url)


def _csrf(body: str, url: str) -> str:
    found = _CSRF.search(body)
    if not found:
        raise AssertionError(f"{_masked(url)} has no CSRF token in its form")
    return found.group(1)


def server_errors(processes: Processes, names: list[str], lines: int = 30) -> str:
    """What the servers logged about their 500s: the request, the exception and its detail."""
    found = []
    for name in names:
        text = processes.log(name).read_text(errors="replace") if processes.log(name).exists() else ""
        for record in text.split("Internal Server Error: ")[1:]:
            request = record.splitlines()[0]
            cause = [line for line in record.splitlines()[1:]
                     if re.match(r"^[\w.]+: |^DETAIL: |^Process \d+ |^CONTEXT: ", line.strip())
                     and not line.startswith(" ")]
            found.append(f"{name} {request}: " + " | ".join(dict.fromkeys(cause)))
    return "\n".join(found[:lines]) if found else "(the servers logged no 500)"


def wait_until_healthy(processes: Processes, name: str, base: str) -> None:
    deadline = time.monotonic() + BOOT_S
    while time.monotonic() < deadline:
        if (why := processes.exited(name)) is not None:
            pytest.fail(f"the web server {why}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
            if answer.status == 200 and answer.read() == b"ok":
                return
        time.sleep(0.3)
    pytest.fail(f"{name} did not answer /healthz within {BOOT_S} s\n{processes.tail(name)}")


# ---- the survey load ------------------------------------------------------------------------

class SurveyLoad:
    """Threads answering the baseline questionnaires, each request to the next server, until
    `enough` is set (each finishes the questionnaire in hand) or the links run out."""

    def __init__(self, servers: list[str], surveys: list[dict]):
        self.servers, self.pending = servers, list(surveys)
        self.acknowledged: list[dict] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.began = self.ended = 0.0
        self.enough = threading.Event()
        self.started = 0
        self.threads = [threading.Thread(target=self._work, args=(n,), daemon=True)
                        for n in range(SURVEY_THREADS)]

    def start(self) -> None:
        self.began = time.monotonic()
        for thread in self.threads:
            thread.start()

    def join(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(deadline - time.monotonic(), 0))
        return not any(thread.is_alive() for thread in self.threads)

    def _work(self, number: int) -> None:
        while True:
            with self.lock:
                if not self.pending or self.enough.is_set():
                    self.ended = max(self.ended, time.monotonic())
                    return
                survey = self.pending.pop()
                self.started += 1
            try:
                self._answer(survey, number)
            except Exception as exc:  # reported at the end: a thread's failure must fail the test
                with self.lock:
                    self.errors.append(f"{survey['site']} {survey['registry_id']}: {exc}")

    def _answer(self, survey: dict, number: int) -> None:
        browser, token, turn = Browser(), survey["token"], number

        def url(path: str) -> str:
            nonlocal turn
            turn += 1
            time.sleep(random.uniform(0, THINK_S))  # a person reads each page
            return f"{self.servers[turn % len(self.servers)]}/s/{token}/{path}"

        browser.expect(url(""), 200)
        for step, (instrument, answers) in enumerate(BASELINE.items(), start=1):
            page = url(f"q/{step}/")
            _, body = browser.expect(page, 200)
            fields = {f"{instrument}-{code}": str(value) for code, value in answers.items()}
            browser.expect(url(f"q/{step}/"), 302,
                           {**fields, "go": "next", "csrfmiddlewaretoken": _csrf(body, page)})
        review = url("review/")
        _, body = browser.expect(review, 200)
        location, _ = browser.expect(url("review/"), 302, {"csrfmiddlewaretoken": _csrf(body, review)})
        if not location.endswith(f"/s/{token}/done/"):
            raise AssertionError(f"the final POST redirected to {_masked(location)}, not to the thanks page")
        with self.lock:
            self.acknowledged.append(survey)
        _, thanks = browser.expect(url("done/"), 200)  # the other server knows the session
        if "thank" not in thanks.lower():
            raise AssertionError("the thanks page does not thank the patient")


# ---- the workers, killed -------------------------------------------------------------------

class Queue:
    """The few reads and the one write the kill loop makes, through psycopg."""

    def __init__(self, database_url: str):
        import psycopg

        self.db = psycopg.connect(database_url, autocommit=True)

    def has_tried(self, worker: str) -> bool:
        return self.db.execute("SELECT 1 FROM followup_attempt WHERE worker = %s LIMIT 1",
                               (worker,)).fetchone() is not None

    def due(self) -> int:
        return self.db.execute("SELECT count(*) FROM followup_outboundmessage WHERE status IN "
                               "('queued', 'claimed') AND next_attempt_at <= now()").fetchone()[0]

    def end_leases(self, worker: str) -> int:
        """The killed worker's claims become due now, as when its lease runs out."""
        return self.db.execute(
            "UPDATE followup_outboundmessage SET next_attempt_at = now() - interval '1 second' "
            "WHERE status = 'claimed' AND claimed_by = %s", (worker,)).rowcount

    def close(self) -> None:
        self.db.close()


def worker_args(name: str) -> list[str]:
    return ["worker", "--interval", "0.5", "--name", name]


def kill_workers(processes: Processes, queue: Queue, rng: random.Random) -> list[str]:
    """Kill w1 and w2 in turn, each 0-0.5 s after its first try, restarting it under a new
    name; stop early when nothing is left to send. The names killed."""
    killed: list[str] = []
    lives = {"w1": 0, "w2": 0}
    while len(killed) < KILLS:
        slot = ("w1", "w2")[len(killed) % 2]
        name = f"{slot}-{lives[slot]}"
        deadline = time.monotonic() + BOOT_S
        while not queue.has_tried(name):
            if queue.due() == 0:
                return killed
            if (why := processes.exited(name)) is not None:
                pytest.fail(f"a worker stopped by itself: {why}")
            if time.monotonic() > deadline:
                pytest.fail(f"worker {name} took nothing from the queue within {BOOT_S} s\n{processes.tail(name)}")
            time.sleep(0.05)
        time.sleep(rng.uniform(0, KILL_WINDOW_S))
        processes.kill(name)
        queue.end_leases(name)
        killed.append(name)
        lives[slot] += 1
        processes.start(f"{slot}-{lives[slot]}", *worker_args(f"{slot}-{lives[slot]}"))
    return killed


def drain(processes: Processes, queue: Queue) -> None:
    """Stop the surviving workers (each ends after the step in hand), then `worker --once`
    until nothing is due."""
    for name in [n for n in processes.running if n.startswith("w")]:
        status = processes.stop(name)
        if status not in (0, -signal.SIGTERM):
            pytest.fail(f"worker {name} did not stop cleanly on SIGTERM (status {status})\n{processes.tail(name)}")
    for round_ in range(5):
        if queue.due() == 0:
            return
        processes.run(f"drain-{round_}", "worker", "--once", "--name", f"drain-{round_}")
    pytest.fail(f"{queue.due()} messages still due after five `worker --once` runs")


# ---- what the sites see ----------------------------------------------------------------------

def log_in(server: str, username: str, password: str) -> Browser:
    browser = Browser()
    _, body = browser.expect(f"{server}/login/", 200)
    location, _ = browser.expect(f"{server}/login/", 302, {
        "csrfmiddlewaretoken": _csrf(body, "/login/"), "username": username, "password": password, "next": ""})
    if not location.endswith("/patients/"):
        raise AssertionError(f"logging in as {username} led to {location}, not the patient list")
    return browser


def listed_patients(browser: Browser, server: str) -> set[str]:
    """Every registry id on the patient list, following its pages."""
    listed: set[str] = set()
    for page in range(1, 50):
        _, body = browser.expect(f"{server}/patients/?page={page}", 200)
        listed |= set(_PATIENT_LINK.findall(body))
        if 'rel="next"' not in body:
            return listed
    raise AssertionError("the patient list has more than 50 pages")


def isolation_problems(servers: list[str], sites: dict) -> tuple[list[str], list[str]]:
    """(what was checked, problems): each coordinator, on each server, sees their site only."""
    checked, problems = [], []
    for label, own_server in zip(("A", "B"), servers, strict=True):
        other = "B" if label == "A" else "A"
        site, others = sites[label], set(sites[other]["patients"])
        browser = log_in(own_server, site["coordinator"], site["password"])
        for server in (own_server, *[s for s in servers if s != own_server]):  # the session on both
            listed = listed_patients(browser, server)
            checked.append(f"{label}@{server}")
            missing, foreign = set(site["patients"]) - listed, listed & others
            if missing or foreign:
                problems.append(f"site {label}'s coordinator on {server}: {len(missing)} own patients "
                                f"missing {sorted(missing)[:5]}, {len(foreign)} of site {other} listed "
                                f"{sorted(foreign)[:5]}")
            outsider = sites[other]["patients"][0]
            status, _, _ = browser.request(f"{server}/patients/{outsider}/")
            if status != 404:
                problems.append(f"site {label}'s coordinator on {server} opened site {other}'s patient "
                                f"{outsider}: {status}, expected 404")
            status, _, _ = browser.request(f"{server}/patients/{site['patients'][0]}/")
            if status != 200:
                problems.append(f"site {label}'s coordinator on {server} could not open their own patient "
                                f"{site['patients'][0]}: {status}")
    return checked, problems


# ---- the checks -----------------------------------------------------------------------------

def submission_problems(acknowledged: list[dict], timepoints: dict) -> tuple[int, list[str]]:
    """(stored, problems): each acknowledged questionnaire must be answered and complete."""
    problems, stored = [], 0
    for survey in acknowledged:
        tp = timepoints[str(survey["timepoint"])]
        if tp["status"] == "answered" and tp["submitted"] == tp["instruments"] and tp["links_submitted"] == 1:
            stored += 1
        else:
            problems.append(f"acknowledged questionnaire of {survey['registry_id']} (site {survey['site']}) "
                            f"is stored as {tp}")
    return stored, problems


def delivery_problems(messages: list[dict], sink: MailSink, killed: set[str]) -> tuple[dict, list[str]]:
    """Counts and problems: every due e-mail sent once, lost none, repeated only as promised."""
    problems: list[str] = []
    due = [m for m in messages if m["timepoint"] == "m1"]
    sent = [m for m in messages if m["status"] == "sent"]
    known = {m["key"] for m in messages}
    counts = {"due": len(due), "sent": len(sent), "received": sum(sink.copies.values()),
              "duplicates": 0, "promised_repeats": 0, "unconfirmed": 0, "interrupted": 0}
    for m in due:
        if m["status"] != "sent":
            problems.append(f"due {m['step']} to {m['to']} ({m['registry_id']}) ended {m['status']}: "
                            f"{m['last_error']!r}; tries {m['tries']}")
    for m in sent:
        copies = sink.copies[m["key"]]
        cut = [t for t in m["tries"] if t["outcome"] == "interrupted" and t["worker"] in killed]
        counts["interrupted"] += len(cut)
        counts["unconfirmed"] += any(t["outcome"] == "handed_over" and t["finished"] for t in m["tries"])
        if copies == 0:
            problems.append(f"LOST: {m['step']} to {m['to']} ({m['registry_id']}, key {m['key']}) is recorded "
                            f"sent but the mail server never got it; tries {m['tries']}")
        elif copies > 1:
            counts["duplicates"] += 1
            if copies - 1 <= len(cut):
                counts["promised_repeats"] += 1
            else:
                problems.append(f"DUPLICATE: {m['step']} to {m['to']} ({m['registry_id']}, key {m['key']}) "
                                f"arrived {copies} times with {len(cut)} tries cut by a kill; tries {m['tries']}")
        if copies and sink.recipients[m["key"]] != {m["to"]}:
            problems.append(f"message {m['key']} for {m['to']} went to {sorted(sink.recipients[m['key']])}")
    for key, copies in sink.copies.items():
        if key not in known or key not in {m["key"] for m in sent}:
            problems.append(f"the mail server got {copies} copies of message {key}, which the registry "
                            f"does not record as sent")
    if sink.without_id:
        problems.append(f"{len(sink.without_id)} e-mails without a Message-ID, to {sink.without_id[:5]}")
    return counts, problems


# ---- the test --------------------------------------------------------------------------------

@pytest.mark.postgres
def test_two_servers_and_two_killed_workers_lose_nothing_send_once_and_keep_sites_apart(
        network_database, tmp_path):
    from aiosmtpd.controller import Controller

    began = time.monotonic()
    smtp_port, ports = _free_port(), [_free_port(), _free_port()]
    servers = [f"http://127.0.0.1:{port}" for port in ports]
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith("DISCTRACK_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    processes = Processes(tmp_path, {
        **inherited, "DJANGO_SETTINGS_MODULE": "disctrack.settings", "DATABASE_URL": network_database,
        "DISCTRACK_SECRET_KEY": secrets.token_urlsafe(50),  # one key for every process, as deployed
        "DISCTRACK_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "DISCTRACK_BASE_URL": servers[0],
        "DISCTRACK_ALLOWED_HOSTS": "127.0.0.1,localhost", "DISCTRACK_REPORTS_IN_BACKGROUND": "0",
        "DISCTRACK_LOG_LEVEL": "WARNING",
    })
    sink = MailSink()
    smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    seed = int(os.environ.get("DISCTRACK_NETWORK_SEED") or secrets.randbits(32))
    rng, queue, mail_started = random.Random(seed), None, False
    try:
        processes.run("migrate", "migrate", "--no-input")
        seeded = json.loads(processes.run("seed", "seed", script=LOAD).strip().splitlines()[-1])
        smtp.start()
        mail_started = True
        for n, port in enumerate(ports, start=1):
            processes.start(f"serve{n}", "serve", "--no-migrate", "--port", str(port), "--workers", "2")
        for slot in ("w1", "w2"):
            processes.start(f"{slot}-0", *worker_args(f"{slot}-0"))
        for n, server in enumerate(servers, start=1):
            wait_until_healthy(processes, f"serve{n}", server)
        queue = Queue(network_database)
        load = SurveyLoad(servers, seeded["surveys"])
        load.start()
        killed = kill_workers(processes, queue, rng)
        kills_ended = time.monotonic()
        load.enough.set()
        if not load.join(timeout=BOOT_S):
            pytest.fail("the survey load did not finish within its time limit")
        drain(processes, queue)
        report = json.loads(processes.run(
            "report", "report", *[str(s["timepoint"]) for s in seeded["surveys"]], script=LOAD
        ).strip().splitlines()[-1])
        isolation_checked, isolation = isolation_problems(servers, seeded["sites"])
    finally:
        if queue is not None:
            queue.close()
        processes.stop_all()
        if mail_started:
            smtp.stop()

    stored, lost = submission_problems(load.acknowledged, report["timepoints"])
    counts, undelivered = delivery_problems(report["messages"], sink, set(killed))
    print(f"\nnetwork: questionnaires started {load.started}, acknowledged {len(load.acknowledged)}, "
          f"stored {stored}, lost {len(lost)}; e-mails due {counts['due']}, sent {counts['sent']}, "
          f"received {counts['received']}, duplicates {counts['duplicates']} "
          f"({counts['promised_repeats']} within the documented window); kills {len(killed)}, "
          f"tries cut {counts['interrupted']}, handed over unconfirmed {counts['unconfirmed']}; "
          f"survey load {load.ended - load.began:.0f} s beside {kills_ended - load.began:.0f} s of kills; "
          f"site lists checked {len(isolation_checked)}, isolation problems {len(isolation)}; "
          f"{time.monotonic() - began:.0f} s in all (DISCTRACK_NETWORK_SEED={seed})")
    problems = [*load.errors, *lost, *undelivered, *isolation]
    if load.errors:
        problems.append(f"what the servers logged:\n{server_errors(processes, ['serve1', 'serve2'])}")
    if len(killed) < KILLS:
        problems.append(f"only {len(killed)} of {KILLS} kills before the queue ran dry: seed more mail "
                        f"patients (tests/core/network_load.py MAIL_PATIENTS)")
    if len(load.acknowledged) < MIN_SUBMISSIONS:
        problems.append(f"only {len(load.acknowledged)} questionnaires were sent during the kills; "
                        f"at least {MIN_SUBMISSIONS} make a load")
    if counts["due"] != seeded["due"]:
        problems.append(f"{seeded['due']} e-mails were brought forward but {counts['due']} are in the queue")
    assert not problems, "\n".join(problems)
