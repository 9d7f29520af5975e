"""Pages of a list that may hold millions of rows, counted only as far as anyone reads.

Counting every row of a large table (the audit trail of a network) costs more than the page
itself; beyond CAP rows nobody pages through a list one page at a time, they filter it.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose count stops at ``cap`` rows: the newest `cap` are reachable by
    page, and ``capped`` says that there are more (the page asks for a filter)."""

    cap = CAP

    @cached_property
    def _counted(self) -> int:
        # COUNT(*) over a LIMIT subquery: reads at most cap + 1 rows.
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
