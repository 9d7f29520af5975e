"""Walk the audit chain and say whether it is whole: `disctrack audit verify`.

The entries are read in id order, a chunk at a time, so memory stays flat however long the
trail. The walk reports the first break: an entry whose content no longer matches its hash
(altered), an entry that does not link to the one before it (entries removed between them),
or a chain head naming an entry the walk never met (entries removed from the end).

Entries written while the walk runs are fine: the head is read first, and the walk only
needs to meet the entry it named.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

from disctrack.registry.models import AuditChainHead, AuditEntry
from disctrack.registry.models.audit_chain import CHAINED_FIELDS, GENESIS, hash_matches

CHUNK = 2000


@dataclass(frozen=True)
class Verdict:
    entries: int  # entries walked
    problem: str = ""  # the first break, in words; empty when the chain is whole
    head_id: int = 0
    head_hash: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def _named(entry_id: int, at: datetime.datetime) -> str:
    return f"entry #{entry_id} ({at.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC)"


def verify_chain(using: str = DEFAULT_DB_ALIAS) -> Verdict:
    head = AuditChainHead.objects.using(using).filter(pk=AuditChainHead.ONLY).first()
    rows = (AuditEntry.objects.using(using).order_by("id")
            .values(*CHAINED_FIELDS, "row_hash").iterator(chunk_size=CHUNK))
    count, last, head_met = 0, None, head is None or head.last_entry_id == 0
    for row in rows:
        count += 1
        if not hash_matches(row, row["row_hash"]):
            return Verdict(count, f"{_named(row['id'], row['at'])} was altered: its content no longer "
                           "matches its hash (or it was written under another SECRET_KEY)")
        if row["prev_hash"] != (last["row_hash"] if last else GENESIS):
            where = (f"between {_named(last['id'], last['at'])} and {_named(row['id'], row['at'])}"
                     if last else f"before {_named(row['id'], row['at'])}, the first one left")
            return Verdict(count, f"entries removed {where}: the chain does not link them")
        if head is not None and row["id"] == head.last_entry_id:
            if row["row_hash"] != head.last_hash:
                return Verdict(count, f"{_named(row['id'], row['at'])} is not the entry the chain head "
                               "names: the head or the entry was replaced")
            head_met = True
        last = row
    if last is not None and head is None:
        return Verdict(count, f"chain head missing: {count} entries, the last {_named(last['id'], last['at'])}, "
                       "and no record of where the chain ends")
    if not head_met:
        removed = f"entries removed after {_named(last['id'], last['at'])}" if last else "every entry removed"
        return Verdict(count, f"{removed}: the chain head names entry #{head.last_entry_id}, which is gone")
    return Verdict(count, head_id=head.last_entry_id if head else 0,
                   head_hash=head.last_hash if head else GENESIS)
