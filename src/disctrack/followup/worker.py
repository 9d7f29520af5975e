"""The worker's pass: close missed windows, plan opened ones, then take every due step.

A step is claimed with a conditional UPDATE that succeeds for exactly one worker; the claim
is a lease (`next_attempt_at` moves to the lease's end), so a step held by a worker that
died becomes due again when the lease runs out. Steps are claimed one at a time so a slow
server never holds many leases at once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Q

from disctrack.core.timing import now_utc
from disctrack.followup import ladder, steps
from disctrack.followup.delivery import Dispatcher, SendError
from disctrack.followup.models import LIVE_STATUSES, MessageStatus, OutboundMessage
from disctrack.registry.actions.timepoints import close_missed

log = logging.getLogger(__name__)

# Longer than the slowest send can take (EMAIL_TIMEOUT and the SMS timeout are 20 s).
LEASE = timedelta(minutes=5)
CANDIDATES = 20


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _due(now: datetime) -> Q:
    return Q(status__in=LIVE_STATUSES, next_attempt_at__lte=now)


def claim_one(worker: str, now: datetime | None = None) -> int | None:
    """Claim the most overdue step; None when nothing is due."""
    now = now or now_utc()
    lease_end = now + LEASE
    candidates = (
        OutboundMessage.objects.filter(_due(now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:CANDIDATES]
    )
    for pk in candidates:
        taken = OutboundMessage.objects.filter(_due(now), pk=pk).update(
            status=MessageStatus.CLAIMED, claimed_by=worker, claimed_until=lease_end,
            next_attempt_at=lease_end,
        )
        if taken == 1:
            return pk
        # Another worker got there first: try the next candidate.
    return None


def process(message_id: int, worker: str, dispatcher: Dispatcher) -> str:
    """Take one claimed step to its end; returns what happened (sent, skipped, retry, ...)."""
    try:
        outcome, envelope, attempt_id = steps.prepare(message_id, worker, now_utc())
    except Exception as exc:
        log.exception("could not prepare outbound message %s", message_id)
        return steps.record_failure(message_id, None, worker, SendError(repr(exc), permanent=False),
                                    now_utc())
    if envelope is None:
        return outcome
    try:
        provider_id = dispatcher.send(
            envelope, handed_over=lambda provider_id: steps.record_handed_over(attempt_id, provider_id))
    except SendError as exc:
        if exc.unconfirmed:
            return steps.record_unconfirmed(message_id, attempt_id, worker, str(exc), now_utc())
        return steps.record_failure(message_id, attempt_id, worker, exc, now_utc())
    steps.record_sent(message_id, attempt_id, worker, provider_id, now_utc())
    return MessageStatus.SENT


def run_pass(worker: str, dispatcher: Dispatcher | None = None, limit: int | None = None,
             stop: threading.Event | None = None) -> Counter:
    """One pass over everything due now; returns counts of what happened.

    `stop`, once set, ends the pass after the step in hand.
    """
    own_dispatcher = dispatcher is None
    dispatcher = dispatcher or Dispatcher()
    counts: Counter = Counter()
    counts["missed"] = close_missed()
    counts["planned"] = ladder.open_windows()
    taken = 0
    try:
        while (limit is None or taken < limit) and not (stop and stop.is_set()):
            pk = claim_one(worker)
            if pk is None:
                break
            counts[str(process(pk, worker, dispatcher))] += 1
            taken += 1
    finally:
        if own_dispatcher:
            dispatcher.close()
    return counts


def summary(counts: Counter) -> str:
    shown = [f"{name} {counts[name]}" for name in
             ("missed", "planned", "sent", "unconfirmed", "task", "retry", "bounced", "failed", "skipped",
              "cancelled", "deferred") if counts[name]]
    return ", ".join(shown) or "nothing due"
