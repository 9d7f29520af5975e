"""The one way an action locks the rows it is about to change (PostgreSQL; SQLite's
transactions already begin with the database's write lock).

Two rules, which together keep audited writers from deadlocking each other:

1. Lock the rows themselves, FOR NO KEY UPDATE (`of=("self",), no_key=True`): not the rows a
   query joins (a patient's site), and not with FOR UPDATE, which would conflict with the
   FOR KEY SHARE that PostgreSQL's deferred foreign-key checks take at COMMIT. An audit
   entry refers to its site, so every audited transaction takes that share lock at COMMIT,
   while it holds the audit chain.
2. An action that will write to the audit trail takes the audit chain first, then its row
   locks: the same order everywhere, so no transaction waits for the chain while holding a
   row that the chain's holder needs. A transaction that writes no audit entry (a patient's
   draft answers) passes `audited=False` and leaves the chain to others.

Found by tests/core/test_network_postgres.py: a patient's submission (site row locked, waiting
for the chain) against a worker's link (chain held, its COMMIT waiting for the site row).
"""

from __future__ import annotations

from django.db.models import QuerySet

from disctrack.registry.models.audit_chain import hold_chain


def for_change(queryset: QuerySet, *, audited: bool = True) -> QuerySet:
    """`queryset` locked for change inside the caller's transaction, by the rules above."""
    if audited:
        hold_chain(queryset.db)
    return queryset.select_for_update(of=("self",), no_key=True)
