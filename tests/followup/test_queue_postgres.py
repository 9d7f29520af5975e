"""Several workers at once on PostgreSQL: real threads, separate connections, no double sends."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from tests.followup.conftest import treat

from disctrack.followup.models import Attempt, MessageStatus, OutboundMessage
from disctrack.followup.worker import run_pass

WORKERS = 4
PATIENTS = 24


@pytest.mark.postgres
def test_concurrent_workers_plan_each_ladder_once_and_send_each_message_once(transactional_db, personas, outbox):
    for i in range(PATIENTS):
        treat(personas, date(2026, 2, 1), email=f"p{i}@example.test", medical_record_number=f"MRN-{i}")
    start = threading.Barrier(WORKERS)
    results: list[Counter] = []
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait()
            results.append(run_pass(name))
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(datetime(2026, 2, 22, 9, tzinfo=UTC), tick=False):
        threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sum(r["planned"] for r in results) == PATIENTS * 6
    assert OutboundMessage.objects.filter(timepoint__code="m1").count() == PATIENTS * 6
    assert len(outbox) == PATIENTS
    assert len({m.extra_headers["Message-ID"] for m in outbox}) == PATIENTS
    assert sorted(m.to[0] for m in outbox) == sorted(f"p{i}@example.test" for i in range(PATIENTS))
    sent = OutboundMessage.objects.filter(status=MessageStatus.SENT)
    assert sent.count() == PATIENTS and set(sent.values_list("attempts", flat=True)) == {1}
    assert Attempt.objects.count() == PATIENTS
