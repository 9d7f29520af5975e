"""What a process keeps of work that does not change: a bounded, thread-safe map.

Pages keep rendered reports, parsed snapshots and fitted models by a key that names the data
they came from (a snapshot's row, a data version), so a kept value is never stale, only
evicted, oldest use first. `forget_all` empties every one (tests, whose databases reuse row
ids; a restore).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_every: weakref.WeakSet[Kept] = weakref.WeakSet()


class Kept:
    """At most ``size`` values by key, the least recently used dropped first."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        _every.add(self)

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._values:
                return None
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key: Hashable, value: Any) -> Any:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The kept value, or ``make()`` kept (made outside the lock: two threads may both
        make it the first time, and the same value is kept)."""
        found = self.get(key)
        return found if found is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


def forget_all() -> None:
    for kept in list(_every):
        kept.clear()
