"""The hash chain over the audit trail: each entry's hash covers its content and the hash
of the entry before it, so a removed, altered or reordered entry breaks the chain.

The hash is an HMAC keyed by the SECRET_KEY (through `salted_hmac`): someone who can write
SQL but has not read the key cannot compute a chain that passes `disctrack audit verify`.
The serialization is frozen as version 1; a new layout needs a new version number.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.crypto import salted_hmac

GENESIS = "0" * 64  # what the first entry links to
CHAIN_VERSION = 1
_KEY_SALT = "disctrack.registry.audit-chain"
# The PostgreSQL advisory lock that serializes appends to the chain (any constant, used only here).
CHAIN_LOCK = 0x44495343_41554454  # "DISCAUDT"

# The entry's fields the hash covers, by attribute name: everything but the two hashes.
CHAINED_FIELDS = ("id", "at", "user_id", "actor", "action", "model", "object_id",
                  "registry_id", "site_id", "changes", "reason", "prev_hash")


def _number(value: int | float) -> str:
    """A number as the same text however the database returns it.

    PostgreSQL's jsonb keeps numbers as decimals: 1e16 comes back as the integer
    10000000000000000 and -0.0 as 0.0, so each number is written as its shortest digits and
    exponent of ten.
    """
    sign, digits, exponent = Decimal(repr(value) if isinstance(value, float) else value).as_tuple()
    if not isinstance(exponent, int):  # NaN and infinities: no database stores them in JSON
        return str(value)
    figures = list(digits)
    while len(figures) > 1 and figures[-1] == 0:
        figures.pop()
        exponent += 1
    if figures == [0]:
        return "0"
    return f"{'-' if sign else ''}{''.join(map(str, figures))}e{exponent}"


def _tagged(value: Any) -> Any:
    """A JSON value with its type kept apart: the string "1" and the number 1 differ."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return "n:" + _number(value)
    if isinstance(value, str):
        return "s:" + value
    if isinstance(value, Mapping):
        return {str(key): _tagged(item) for key, item in value.items()}
    if isinstance(value, Iterable):
        return [_tagged(item) for item in value]
    raise TypeError(f"audit changes hold a {type(value).__name__}, which JSON cannot store")


def _moment(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def payload(fields: Mapping[str, Any]) -> bytes:
    """The canonical bytes of one entry: sorted-key JSON of CHAINED_FIELDS."""
    content = {name: fields[name] for name in CHAINED_FIELDS}
    content["at"] = _moment(content["at"])
    content["changes"] = _tagged(content["changes"])
    content["v"] = CHAIN_VERSION
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(fields: Mapping[str, Any], secret: str | None = None) -> str:
    """The HMAC-SHA256 (hex) of an entry; `secret` defaults to settings.SECRET_KEY."""
    return salted_hmac(_KEY_SALT, payload(fields), secret=secret, algorithm="sha256").hexdigest()


def hash_matches(fields: Mapping[str, Any], row_hash: str) -> bool:
    """Whether the entry was hashed with the SECRET_KEY or one of SECRET_KEY_FALLBACKS."""
    message = payload(fields)
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if salted_hmac(_KEY_SALT, message, secret=secret, algorithm="sha256").hexdigest() == row_hash:
            return True
    return False


def hold_chain(using: str) -> None:
    """Take the chain for the rest of the transaction (PostgreSQL; re-entrant), as an append
    does: registry/locking.py takes it before row locks, so that the order is always the same."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def claim_link(using: str, entries_table: str, head_table: str) -> tuple[int, str]:
    """(the next entry's id, the hash it links to), holding the chain until the transaction ends.

    PostgreSQL: an advisory lock taken before the head is read, so two appends never link to
    the same entry. SQLite needs none: DiscTrack's transactions there begin IMMEDIATE, one
    writer at a time. The id comes first because the hash covers it.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    last_hash = f"(SELECT last_hash FROM {quote(head_table)} WHERE id = 1)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence(%s, 'id')), {last_hash}",
                           [entries_table])
        else:  # what AUTOINCREMENT would give
            cursor.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
                f" coalesce((SELECT max(id) FROM {quote(entries_table)}), 0)) + 1, {last_hash}",
                [entries_table],
            )
        entry_id, prev_hash = cursor.fetchone()
    return entry_id, prev_hash or GENESIS


def move_head(using: str, head_table: str, entry_id: int, row_hash: str) -> None:
    """Point the head at the entry just appended (creating it for the first entry)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(head_table)} (id, last_entry_id, last_hash)"
            " VALUES (1, %s, %s) ON CONFLICT (id) DO UPDATE"
            " SET last_entry_id = excluded.last_entry_id, last_hash = excluded.last_hash",
            [entry_id, row_hash],
        )
