"""Disclosure control of the public report: suppression, then an interval audit.

One package, one rule table, used by ``disctrack outcomes --public``, the public page and
``/outcomes.json`` (see docs/disclosure.md).

Model
-----
Every count published anywhere in the report is a *cell*: a named number of people (or of
complication events), such as the number due at 12 months among patients given MSC. The
same cell may appear in several tables (``n_due`` is in ``counts``, ``estimates``,
``headline``, ``tipping_point`` and ``comparison``); it is one cell, shown or hidden
everywhere at once. :data:`IDENTITIES` lists the linear relations that hold between cells
(parts sum to totals, treatments nest in classes, sites sum to the registry, counts nest
over time points and horizons); an inequality ``a <= b`` becomes ``b = a + r`` with ``r`` an
unpublished cell of its own (the non-responders, the patients without a complication, the
deaths between two time points): those are counts of people too and are protected alike.
Each identity is checked against the report's own numbers and used only when it holds.

Rates are counts over denominators. An exact proportion (completeness, a completers-only
rate, a complication rate) is published only when its numerator and denominator can be
worked out exactly from the published counts, so it never adds information; any other
figure computed from counts (multiply imputed and weighted estimates, intervals,
Kaplan-Meier) is published only when the counts it rests on are, and no proportion is
shown whose implied number of people (rate times denominator, or its complement) is from
1 to ``min_cell - 1``.

Suppression
-----------
1. Primary: no published cell from 1 to ``min_cell - 1``.
2. Audit: for every cell of 1 to ``min_cell - 1`` people that is not published (hidden
   counts, and unpublished cells such as non-responders), the smallest and largest values
   consistent with everything published (the identities as equalities, published exact
   rates as equalities, every cell >= 0; integrality relaxed) are found by linear
   programming (``scipy.optimize.linprog``). Protection rule: ``max - min >= min_cell - 1``,
   so at least ``min_cell`` consecutive values stay possible: a reader can learn no more
   than the suppression itself says ("somewhere from 0 to 10").
3. Complementary: while the audit fails, hide one more published cell next to each cell
   that fails (in an identity with it; the smallest count large enough to give the
   protection range, else the largest), and audit again. After a bounded number of rounds
   every published cell linked to a failing one is hidden (the table is withheld), which
   always passes: with nothing published the system has no bound.

The audit takes the attacker to know every identity of :data:`IDENTITIES` and nothing
else: it does not protect against differencing successive reports, published elsewhere
figures, or knowledge of individuals.

Modules
-------
``model``
    cells, equalities and rates (``Model``).
``cells``
    reading a report dictionary into the model.
``identities``
    the written identity table :data:`IDENTITIES` and the equalities it gives.
``intervals``
    the interval audit by linear programming (:class:`AuditResult`).
``suppress``
    primary and complementary suppression, and the figures computed from counts.
``release``
    the entry points :func:`public_report`, :func:`audit` and :func:`suppress_small_cells`.
"""

from .identities import IDENTITIES, Identity
from .intervals import AuditResult, Interval
from .release import audit, public_report, suppress_small_cells

__all__ = ["IDENTITIES", "AuditResult", "Identity", "Interval", "audit", "public_report", "suppress_small_cells"]
