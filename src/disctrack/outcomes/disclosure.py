# mypy: disable-error-code="arg-type,index,assignment,attr-defined,return-value,operator"
# (Optional values from the report dictionaries; to be narrowed properly: see the note on issue 7.)
"""Disclosure control of the public report: suppression, then an interval audit.

One module, one rule table, used by ``disctrack outcomes --public``, the public page and
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
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .frames import SEVERITIES, TREATMENTS

Key = tuple
CLASS, TREATMENT, REGISTRY, SITE = "treatment_class", "treatment", "registry", "site"
BINARY_MEASURES = ("success", "failure", "responder")
SERIOUS = ("severe", "life_threatening", "fatal")
STATUS_PARTS = ("due", "pending", "not_due", "dead", "withdrawn")
COUNT_FIELDS = {"n_due": "due", "n_answered": "answered", "n_pending": "pending", "n_not_due": "not_due",
                "n_dead": "dead", "n_withdrawn": "withdrawn", "n_surgery": "surgery"}
NOT_COUNTS = ("n_imputations", "n_bootstrap", "n_sites", "n_physicians")
LEFT_OUT = ("treatment_dates", "notes", "n_sites", "n_physicians")  # cohort details never published
MAX_ROUNDS = 30

PROTECTION = ("For every count of 1 to {top} people that is not shown, the figures that are shown leave "
              "at least {n} consecutive values possible (largest minus smallest value consistent with "
              "them, by linear programming, at least {width}).")
WITHHELD_SMALL = "fewer than {min_cell} people, or a count of fewer than {min_cell} could be worked out from it"
WITHHELD_COMPLEMENT = "withheld so that a count below {min_cell} cannot be worked out"
WITHHELD_RATE = "rests on a count that is withheld"
WITHHELD_IMPLIED = "would show a number of people below {min_cell}"
WITHHELD_UNAUDITED = "its counts are not in the report, so it cannot be checked for disclosure"


@dataclass(frozen=True)
class Identity:
    """One family of relations between published cells (the written table)."""

    name: str
    text: str


IDENTITIES: tuple[Identity, ...] = (
    Identity("status", "n_treated = n_due + n_pending + n_not_due + n_dead + n_withdrawn, per group and time point"),
    Identity("nested_in_due", "n_answered, n_surgery, completers' known outcomes and n_imputed are each at most "
                              "n_due; n_due and n_answered are at most n_treated"),
    Identity("known", "surgery (a known failure) <= known outcomes; successes and failures among known "
                      "outcomes add up to at most the known outcomes; surgeries <= failures; successes <= "
                      "responders; mean scores' n <= n_answered"),
    Identity("classes", "a treatment class's count = the sum of its treatments' counts (every count)"),
    Identity("registry", "the registry's count = the sum of the treatment classes' counts = the sum of the "
                         "sites' counts; the cohort's n_patients is the registry's n_treated"),
    Identity("timepoints", "n_due does not grow and n_dead, n_withdrawn do not shrink from one time point "
                           "to the next; surgeries among the due at a time point <= surgeries by that horizon"),
    Identity("horizons", "surgery-free survival: n_events does not shrink and n_at_risk does not grow with "
                         "the horizon; n_events + n_at_risk <= n"),
    Identity("cohort", "follow-ups answered <= follow-ups due; deaths, withdrawals and surgeries by any time "
                       "point or horizon <= the cohort's totals <= n_patients"),
    Identity("complications", "events by category and by severity each sum to all events; serious = severe + "
                              "life-threatening + fatal events; patients <= events; patients with a kind <= "
                              "patients with any <= treated; patients with any <= the sum over categories"),
    Identity("rates", "an exact proportion p = a / b gives a = p b (completeness, completers' rates, "
                      "complication rates)"),
)


@dataclass
class _Rate:
    """A published figure computed from cells: ``exact`` proportions add ``num = p den``."""

    record: dict
    field: str
    deps: tuple[Key, ...]
    num: Key | None = None
    den: Key | None = None
    proportion: bool = True


@dataclass
class _Model:
    """Cells (true values), where each appears, identities, and published rates."""

    values: dict[Key, float] = field(default_factory=dict)
    people: dict[Key, bool] = field(default_factory=dict)
    places: dict[Key, list[tuple[dict, str]]] = field(default_factory=lambda: defaultdict(list))
    equalities: list[tuple[dict[Key, float], str]] = field(default_factory=list)
    rates: list[_Rate] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)
    unaudited: list[tuple[dict, str]] = field(default_factory=list)
    links: list[tuple[Key, Key]] = field(default_factory=list)

    # -- building -----------------------------------------------------------------
    def cell(self, key: Key, record: dict, name: str, people: bool = True) -> Key | None:
        value = record.get(name)
        if not _number(value):
            return None
        self.values.setdefault(key, float(value))
        self.people.setdefault(key, people)
        self.places[key].append((record, name))
        return key

    def through_rate(self, key: Key, record: dict, name: str, den: Key | None) -> None:
        """A count published only as a proportion of ``den`` (successes as a completers' rate)."""
        value = record.get(name)
        if den is None or den not in self.values or not _number(value):
            return
        self.derived(key, round(float(value) * self.values[den]))
        self.places[key].append((record, name))
        self.links.append((key, den))

    def derived(self, key: Key, value: float, people: bool = True) -> Key:
        self.values.setdefault(key, float(value))
        self.people.setdefault(key, people)
        return key

    def equal(self, rule: str, total: Key, parts: Iterable[Key]) -> None:
        parts = [p for p in parts if p in self.values]
        if total not in self.values or not parts:
            return
        coefs: dict[Key, float] = defaultdict(float)
        coefs[total] += 1.0
        for p in parts:
            coefs[p] -= 1.0
        self._add(rule, dict(coefs))

    def at_most(self, rule: str, small: Iterable[Key], big: Key, people: bool = True) -> None:
        """``sum(small) <= big``: adds the unpublished remainder ``big - sum(small)`` as a cell."""
        small = [s for s in small if s in self.values]
        if big not in self.values or not small:
            return
        rest = self.values[big] - sum(self.values[s] for s in small)
        if rest < -1e-9:
            self.dropped.add(rule)
            return
        r = self.derived(("rest", rule, big, *small), rest, people)
        coefs: dict[Key, float] = defaultdict(float)
        coefs[big] += 1.0
        coefs[r] -= 1.0
        for s in small:
            coefs[s] -= 1.0
        self._add(rule, dict(coefs))

    def _add(self, rule: str, coefs: dict[Key, float]) -> None:
        residual = sum(c * self.values[k] for k, c in coefs.items())
        if abs(residual) > 1e-6 * max(1.0, max(abs(self.values[k]) for k in coefs)):
            self.dropped.add(rule)
            return
        self.equalities.append((coefs, rule))

    def rate(self, record: dict, name: str, deps: Iterable[Key | None], *, num: Key | None = None,
             den: Key | None = None, proportion: bool = True) -> None:
        if name not in record or record.get(name) is None:
            return
        deps = tuple(dict.fromkeys(d for d in (*deps, num, den) if d is not None))
        if any(d not in self.values for d in deps) or not deps:
            self.unaudited.append((record, name))
            return
        self.rates.append(_Rate(record, name, deps, num, den, proportion))

    def published(self, key: Key) -> bool:
        return any(r.get(n) is not None for r, n in self.places.get(key, ()))


def _number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(float(value)))


def _is_count(key: str, value: Any) -> bool:
    return (key == "n" or key.startswith("n_") or key == "successes") and key not in NOT_COUNTS and _number(value)


# -- reading the report into the model ------------------------------------------------

class _Reader:
    """Maps the report's tables onto cells, identities and rates."""

    def __init__(self, public: dict[str, Any]) -> None:
        self.m = _Model()
        self.public = public
        outcomes = public.get("outcomes") or {}
        site = (public.get("funnel") or {}).get("site")
        self.primary = outcomes.get("primary_timepoint") or (site.get("timepoint") if isinstance(site, dict) else None)
        self.months: dict[str, float] = {}
        self.modelled: set[int] = set()

    def read(self) -> _Model:
        p = self.public
        outcomes = p.get("outcomes") or {}
        self._counts(outcomes.get("counts") or [])
        self._estimates(outcomes.get("estimates") or [])
        for headline in (p.get("headline"), outcomes.get("headline")):
            self._headline(headline or [])
        self._tipping(((p.get("tipping_point") or {}).get("table")) or [])
        survival = p.get("survival") or {}
        self._survival(survival.get("table") or [], survival.get("level", CLASS))
        complications = p.get("complications") or {}
        self._complications(complications.get("table") or [], complications.get("level", CLASS))
        for result in ((p.get("comparison") or {}).values()):
            if isinstance(result, dict):
                self._comparison(result)
        site = (p.get("funnel") or {}).get("site")
        if isinstance(site, dict):
            self._sites(site)
        self._cohort(p.get("cohort") or {})
        self._identities()
        self._unlinked(p)
        return self.m

    # tables
    def _counts(self, rows: list[dict]) -> None:
        m = self.m
        for r in rows:
            self.modelled.add(id(r))
            level, group, tp = r.get("level"), r.get("group"), r.get("timepoint")
            if _number(r.get("months")):
                self.months[tp] = float(r["months"])
            m.cell(("treated", level, group), r, "n_treated")
            for name, fam in COUNT_FIELDS.items():
                m.cell((fam, level, group, tp), r, name)
            for name in [k for k, v in r.items() if _is_count(k, v) and k not in COUNT_FIELDS and k != "n_treated"]:
                m.cell((name, level, group, tp), r, name)
                m.at_most("nested_in_due", [(name, level, group, tp)], ("due", level, group, tp))
            m.rate(r, "completeness", (), num=("answered", level, group, tp), den=("due", level, group, tp))

    def _estimates(self, rows: list[dict]) -> None:
        m = self.m
        for r in rows:
            self.modelled.add(id(r))
            level, group, tp, measure, method = (r.get(k) for k in ("level", "group", "timepoint", "measure",
                                                                   "method"))
            due, answered = ("due", level, group, tp), ("answered", level, group, tp)
            m.cell(due, r, "n_due")
            m.rate(r, "completeness", (), num=answered, den=due)
            binary = measure in BINARY_MEASURES
            if method == "completers" and binary:
                known = m.cell(("known", level, group, tp), r, "n_used")
                hits = ("hits", level, group, tp, measure)
                m.through_rate(hits, r, "estimate", known)
                for name in ("estimate", "ci_low", "ci_high"):
                    m.rate(r, name, (), num=hits, den=known, proportion=name == "estimate")
                continue
            if method == "completers":
                used = m.cell(("scored", level, group, tp, str(measure).rsplit("_", 1)[0]), r, "n_used")
                deps = (used, due)
            else:
                m.cell(due, r, "n_used")
                deps = (due, answered)
            for name in ("estimate", "ci_low", "ci_high", "fmi"):
                m.rate(r, name, deps, den=due if binary and method != "completers" else None,
                       proportion=binary and name == "estimate")

    def _headline(self, rows: list[dict]) -> None:
        m, tp = self.m, self.primary
        for r in rows:
            self.modelled.add(id(r))
            group = r.get("group")
            due, answered = ("due", CLASS, group, tp), ("answered", CLASS, group, tp)
            known, hits = ("known", CLASS, group, tp), ("hits", CLASS, group, tp, "success")
            m.cell(("treated", CLASS, group), r, "n_treated")
            m.cell(due, r, "n_due")
            m.cell(answered, r, "n_answered")
            m.rate(r, "completeness", (), num=answered, den=due)
            m.through_rate(hits, r, "completers_estimate", known)
            for name in [k for k in r if k.startswith(("completers_", "mi_", "ipw_", "adjusted_"))]:
                if name.startswith("completers_"):
                    m.rate(r, name, (), num=hits, den=known, proportion=name.endswith("estimate"))
                else:
                    m.rate(r, name, (due, answered), den=due, proportion=name.endswith("estimate"))

    def _tipping(self, rows: list[dict]) -> None:
        m = self.m
        for r in rows:
            self.modelled.add(id(r))
            level, group, tp, measure = (r.get(k) for k in ("level", "group", "timepoint", "measure"))
            due = m.cell(("due", level, group, tp), r, "n_due")
            m.cell(("imputed", level, group, tp, measure), r, "n_imputed")
            deps = [due, ("answered", level, group, tp)]
            for name in ("estimate", "ci_low", "ci_high"):
                m.rate(r, name, deps, den=due if measure in BINARY_MEASURES else None,
                       proportion=name == "estimate" and measure in BINARY_MEASURES)

    def _survival(self, rows: list[dict], level: str) -> None:
        m = self.m
        for r in rows:
            self.modelled.add(id(r))
            group, h = r.get("group"), r.get("horizon_months")
            treated = m.cell(("treated", level, group), r, "n")
            events = m.cell(("events", level, group, h), r, "n_events")
            at_risk = m.cell(("at_risk", level, group, h), r, "n_at_risk")
            for name in ("km_surgery_free", "km_ci_low", "km_ci_high", "cif_surgery", "cif_ci_low", "cif_ci_high"):
                m.rate(r, name, (treated, events, at_risk), den=treated, proportion=name in (
                    "km_surgery_free", "cif_surgery"))

    def _complications(self, rows: list[dict], level: str) -> None:
        m = self.m
        for r in rows:
            self.modelled.add(id(r))
            group, kind, value = r.get("group"), r.get("kind"), r.get("value")
            treated = m.cell(("treated", level, group), r, "n_treated")
            patients = m.cell(("cx_patients", level, group, kind, value), r, "n_patients")
            m.cell(("cx_events", level, group, kind, value), r, "n_events")
            m.rate(r, "rate", (), num=patients, den=treated)
            for name in ("ci_low", "ci_high"):
                m.rate(r, name, (patients, treated), proportion=False)

    def _comparison(self, result: dict) -> None:
        m, tp = self.m, result.get("timepoint") or self.primary
        level = result.get("by", CLASS)
        for r in result.get("groups") or []:
            self.modelled.add(id(r))
            group = r.get("group")
            due, answered = ("due", level, group, tp), ("answered", level, group, tp)
            m.cell(due, r, "n")
            m.cell(answered, r, "n_answered")
            m.rate(r, "completeness", (), num=answered, den=due)
            deps = (due, answered)
            for name in [k for k in r if k.startswith("adjusted_")]:
                m.rate(r, name, deps, den=due, proportion=name == "adjusted_success")
        for r in result.get("overlap") or []:
            self.modelled.add(id(r))
            m.cell(("due", level, r.get("group"), tp), r, "n")
        for r in result.get("effects") or []:
            self.modelled.add(id(r))
            a, b = str(r.get("pair", "")).split(" - ") if " - " in str(r.get("pair", "")) else ("", "")
            deps = [m.cell(("due", level, a, tp), r, "n_a"), m.cell(("due", level, b, tp), r, "n_b")]
            for g in (a, b):
                deps.append(("answered", level, g, tp))
            for name in ("estimate", "ci_low", "ci_high", "se_bootstrap", "crude"):
                m.rate(r, name, deps, proportion=False)

    def _sites(self, site: dict) -> None:
        m, tp = self.m, site.get("timepoint") or self.primary
        site["timepoint"] = tp
        for r in site.get("units") or []:
            self.modelled.add(id(r))
            u = r.get("unit")
            treated = m.cell(("treated", SITE, u), r, "n_treated")
            due = m.cell(("due", SITE, u, tp), r, "n_due")
            answered = m.cell(("answered", SITE, u, tp), r, "n_answered")
            known = m.cell(("known", SITE, u, tp), r, "n")
            hits = m.cell(("hits", SITE, u, tp, "success"), r, "successes")
            m.rate(r, "completeness", (), num=answered, den=due)
            completers = str(site.get("measure", "")).endswith("(completers)")
            if completers:
                m.rate(r, "rate", (), num=hits, den=known)
            else:
                m.rate(r, "rate", (treated, due, answered, known, hits), den=due)
                for name in ("rate_ci_low", "rate_ci_high"):
                    m.rate(r, name, (treated, due, answered, known, hits), proportion=False)
            m.rate(r, "completers_rate", (), num=hits, den=known)
            for name in ("expected_rate", "oe_ratio", "adjusted_rate", "adjusted_ci_low", "adjusted_ci_high"):
                m.rate(r, name, (treated, due, answered, known, hits), den=due,
                       proportion=name == "adjusted_rate")
            done = {"completeness", "rate", "rate_ci_low", "rate_ci_high", "completers_rate", "expected_rate",
                    "oe_ratio", "adjusted_rate", "adjusted_ci_low", "adjusted_ci_high"}
            for name in [k for k in r if _rate_like(k) and k not in done]:
                m.rate(r, name, (treated, due, answered, known, hits), proportion=False)
        for r in site.get("limits") or []:
            self.modelled.add(id(r))

    def _cohort(self, cohort: dict) -> None:
        m = self.m
        self.modelled.add(id(cohort))
        m.cell(("treated", REGISTRY, "all"), cohort, "n_patients")
        for r in cohort.get("by_treatment") or []:
            self.modelled.add(id(r))
            m.cell(("treated", TREATMENT, r.get("group")), r, "n")
        due = m.cell(("followups_due", REGISTRY, "all"), cohort, "n_followups_due")
        answered = m.cell(("followups_answered", REGISTRY, "all"), cohort, "n_followups_answered")
        m.rate(cohort, "completeness", (), num=answered, den=due)
        for name, key in (("n_surgery", "surgery_ever"), ("n_dead", "dead_ever"), ("n_withdrawn", "withdrawn_ever")):
            m.cell((key, REGISTRY, "all"), cohort, name)

    # identities
    def _identities(self) -> None:
        m = self.m
        self._totals()
        tps = sorted(self.months, key=self.months.get)
        for key in [k for k in list(m.values) if k[0] == "due"]:
            _, level, group, tp = key
            if level not in (SITE,):
                m.equal("status", ("treated", level, group), [(f, level, group, tp) for f in STATUS_PARTS])
            for part in (("answered", level, group, tp), ("surgery", level, group, tp), ("known", level, group, tp)):
                m.at_most("nested_in_due", [part], key)
            for measure in BINARY_MEASURES + ("odi_change", "odi_mean", "nrs_back_change"):
                m.at_most("nested_in_due", [("imputed", level, group, tp, measure)], key)
            for part in (key, ("answered", level, group, tp)):
                m.at_most("nested_in_due", [part], ("treated", level, group))
            known = ("known", level, group, tp)
            hits = {ms: ("hits", level, group, tp, ms) for ms in BINARY_MEASURES}
            surgery = ("surgery", level, group, tp)
            m.at_most("known", [surgery], known)
            m.at_most("known", [hits["success"], hits["failure"]], known)
            m.at_most("known", [hits["success"], surgery], known)
            m.at_most("known", [surgery], hits["failure"])
            m.at_most("known", [hits["success"]], hits["responder"])
            for ms in BINARY_MEASURES:
                m.at_most("known", [hits[ms]], known)
            for instrument in ("odi",):
                m.at_most("known", [("scored", level, group, tp, instrument)], ("answered", level, group, tp))
        for level, group in {(k[1], k[2]) for k in m.values if k[0] == "due"}:
            for a, b in zip(tps, tps[1:], strict=False):
                m.at_most("timepoints", [("due", level, group, b)], ("due", level, group, a))
                for fam in ("dead", "withdrawn"):
                    m.at_most("timepoints", [(fam, level, group, a)], (fam, level, group, b))
        self._horizons(tps)
        self._cohort_totals(tps)
        self._complication_identities()

    def _totals(self) -> None:
        """Treatments sum to classes, classes to the registry, sites to the registry."""
        m = self.m
        keys = [k for k in m.values if len(k) >= 3 and k[0] not in ("rest", "sum", "unlinked")]
        classes: dict[Key, list[Key]] = defaultdict(list)
        registry: dict[Key, list[Key]] = defaultdict(list)
        sites: dict[Key, list[Key]] = defaultdict(list)
        for k in keys:
            fam, level, group, *rest = k
            if level == TREATMENT and group in TREATMENTS:
                classes[(fam, CLASS, TREATMENTS[group], *rest)].append(k)
            elif level == CLASS:
                registry[(fam, REGISTRY, "all", *rest)].append(k)
            elif level == SITE:
                sites[(fam, REGISTRY, "all", *rest)].append(k)
        for total, parts in classes.items():
            m.equal("classes", total, parts)
        for total, parts in registry.items():
            m.derived(total, sum(m.values[p] for p in parts))
            m.equal("registry", total, parts)
        for total, parts in sites.items():
            m.equal("registry", total, parts)

    def _horizons(self, tps: list[str]) -> None:
        m = self.m
        by_group = defaultdict(list)
        for k in m.values:
            if k[0] == "events":
                by_group[(k[1], k[2])].append(k[3])
        for (level, group), horizons in by_group.items():
            horizons = sorted(horizons)
            treated = ("treated", level, group)
            for h in horizons:
                m.at_most("horizons", [("events", level, group, h), ("at_risk", level, group, h)], treated)
                m.at_most("horizons", [("events", level, group, h)], treated)
                m.at_most("horizons", [("at_risk", level, group, h)], treated)
                for tp in tps:
                    if self.months[tp] == h:
                        m.at_most("timepoints", [("surgery", level, group, tp)], ("events", level, group, h))
            for a, b in zip(horizons, horizons[1:], strict=False):
                m.at_most("horizons", [("events", level, group, a)], ("events", level, group, b))
                m.at_most("horizons", [("at_risk", level, group, b)], ("at_risk", level, group, a))

    def _cohort_totals(self, tps: list[str]) -> None:
        m = self.m
        m.at_most("cohort", [("followups_answered", REGISTRY, "all")], ("followups_due", REGISTRY, "all"))
        for total in ("dead_ever", "withdrawn_ever", "surgery_ever"):
            m.at_most("cohort", [(total, REGISTRY, "all")], ("treated", REGISTRY, "all"))
        for tp in tps:
            for fam, total in (("dead", "dead_ever"), ("withdrawn", "withdrawn_ever"), ("surgery", "surgery_ever")):
                m.at_most("cohort", [(fam, REGISTRY, "all", tp)], (total, REGISTRY, "all"))
        for k in [k for k in m.values if k[0] == "events" and k[1] == REGISTRY]:
            m.at_most("cohort", [k], ("surgery_ever", REGISTRY, "all"))

    def _complication_identities(self) -> None:
        m = self.m
        groups = {(k[1], k[2]) for k in m.values if k[0] == "cx_patients"}
        for level, group in groups:
            def key(fam, kind, value, level=level, group=group):
                return (fam, level, group, kind, value)
            categories = sorted({k[4] for k in m.values if k[0] == "cx_events" and k[1:4] == (level, group, "category")})
            any_e, any_p = key("cx_events", "any", "any"), key("cx_patients", "any", "any")
            m.equal("complications", any_e, [key("cx_events", "category", c) for c in categories])
            m.equal("complications", any_e, [key("cx_events", "severity", s) for s in SEVERITIES])
            m.equal("complications", key("cx_events", "serious", "any"),
                    [key("cx_events", "severity", s) for s in SERIOUS])
            m.at_most("complications", [any_p], ("treated", level, group))
            m.at_most("complications", [key("cx_patients", "serious", "any")], any_p)
            for s in SERIOUS:
                m.at_most("complications", [key("cx_patients", "severity", s)], key("cx_patients", "serious", "any"))
            for kind, values in (("category", categories), ("severity", SEVERITIES)):
                for v in values:
                    m.at_most("complications", [key("cx_patients", kind, v)], any_p)
                    m.at_most("complications", [key("cx_patients", kind, v)], key("cx_events", kind, v), people=False)
                m.at_most("complications", [any_p], _sum_cell(m, [key("cx_patients", kind, v) for v in values]),
                          people=False)
            m.at_most("complications", [any_p], any_e, people=False)

    def _unlinked(self, node: Any, placed: set[tuple[int, str]] | None = None) -> None:
        """Counts this module does not model: each is a cell of its own, protected by
        primary suppression and the audit but linked to no other."""
        if placed is None:
            placed = {(id(record), name) for places in self.m.places.values() for record, name in places}
        if isinstance(node, dict):
            counts = [k for k, v in node.items() if _is_count(k, v) and (id(node), k) not in placed]
            for k in counts:
                self.m.cell(("unlinked", id(node), k), node, k)
            if id(node) not in self.modelled:
                for k in [k for k in node if _rate_like(k) and node[k] is not None and counts]:
                    self.m.rate(node, k, [("unlinked", id(node), c) for c in counts], proportion=False)
            for v in node.values():
                self._unlinked(v, placed)
        elif isinstance(node, list):
            for v in node:
                self._unlinked(v, placed)


def _sum_cell(m: _Model, parts: list[Key]) -> Key:
    """An unpublished cell holding the sum of ``parts`` (for ``a <= p1 + p2 + ...``)."""
    present = [p for p in parts if p in m.values]
    key = ("sum", *present)
    if present and key not in m.values:
        m.derived(key, sum(m.values[p] for p in present), people=False)
        m.equal("complications", key, present)
    return key


def _rate_like(key: str) -> bool:
    return key in ("rate", "estimate", "ci_low", "ci_high", "completeness", "crude", "se_bootstrap") or key.endswith(
        ("_estimate", "_ci_low", "_ci_high", "_rate", "_ratio")) or key.startswith("adjusted_")


# -- the interval audit --------------------------------------------------------------------

@dataclass
class Interval:
    """The values a hidden cell can take given everything published."""

    cell: Key
    value: float
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class AuditResult:
    """Outcome of :func:`audit`: ``failures`` are the sensitive cells pinned too narrowly."""

    min_cell: int
    n_cells: int
    n_published: int
    n_sensitive: int
    intervals: list[Interval]
    failures: list[Interval]
    rate_failures: list[str]
    identities_used: list[str]
    identities_not_holding: list[str]
    n_unaudited: int

    @property
    def passed(self) -> bool:
        return not self.failures and not self.rate_failures

    def summary(self) -> dict[str, Any]:
        narrowest = min((i.width for i in self.intervals), default=None)
        return {
            "passed": self.passed, "min_cell": self.min_cell,
            "protection": PROTECTION.format(top=self.min_cell - 1, n=self.min_cell, width=self.min_cell - 1),
            "method": "interval audit by linear programming (scipy.optimize.linprog, HiGHS)",
            "cells": self.n_cells, "cells_published": self.n_published,
            "small_counts_hidden": self.n_sensitive,
            "narrowest_range": None if narrowest is None or math.isinf(narrowest) else round(narrowest, 6),
            "failures": len(self.failures) + len(self.rate_failures),
            "identities": self.identities_used, "identities_not_holding": self.identities_not_holding,
            "figures_withheld_unaudited": self.n_unaudited,
        }


class _Solver:
    """Bounds of cells under the identities with the published cells fixed."""

    def __init__(self, model: _Model, shown: set[Key], rate_rows: list[tuple[dict[Key, float], str]],
                 cache: dict | None = None) -> None:
        self.model = model
        self.cache = {} if cache is None else cache
        self.shown = shown
        self.rows: list[tuple[dict[Key, float], float]] = []
        for coefs, _ in [*model.equalities, *rate_rows]:
            free = {k: c for k, c in coefs.items() if k not in shown and abs(c) > 1e-12}
            constant = -sum(c * model.values[k] for k, c in coefs.items() if k in shown)
            if free:
                self.rows.append((free, constant))
        self.by_cell: dict[Key, list[int]] = defaultdict(list)
        for i, (free, _) in enumerate(self.rows):
            for k in free:
                self.by_cell[k].append(i)
        self.pinned: dict[Key, float] = {}
        self._propagate()
        self._component: dict[Key, int] = {}
        self._members: list[tuple[list[Key], list[int]]] = []
        self._bounds: dict[Key, tuple[float, float]] = {}
        self._signatures: list[tuple | None] = []

    def _propagate(self) -> None:
        """Cells fixed by an identity whose other cells are all known, repeatedly."""
        todo = [i for i, (free, _) in enumerate(self.rows) if len(free) == 1]
        while todo:
            i = todo.pop()
            free, constant = self.rows[i]
            if len(free) != 1:
                continue
            (key, coef), = free.items()
            value = constant / coef
            self.pinned[key] = value
            for j in self.by_cell.pop(key, []):
                other, c = self.rows[j]
                if key in other:
                    self.rows[j] = ({k: v for k, v in other.items() if k != key}, c - other[key] * value)
                    if len(self.rows[j][0]) == 1:
                        todo.append(j)

    def component(self, key: Key) -> tuple[list[Key], list[int]]:
        if key not in self._component:
            cells, rows, todo = [], set(), [key]
            self._component[key] = len(self._members)
            while todo:
                k = todo.pop()
                cells.append(k)
                for i in self.by_cell.get(k, ()):
                    if i in rows or k not in self.rows[i][0]:
                        continue
                    rows.add(i)
                    for other in self.rows[i][0]:
                        if other not in self._component:
                            self._component[other] = len(self._members)
                            todo.append(other)
            self._members.append((cells, sorted(rows)))
            self._signatures.append(None)
        return self._members[self._component[key]]

    def _signature(self, key: Key) -> tuple:
        cells, rows = self.component(key)
        i = self._component[key]
        if self._signatures[i] is None:
            self._signatures[i] = tuple(sorted((tuple(sorted((_describe(k), c) for k, c in self.rows[r][0].items())),
                                                round(self.rows[r][1], 9)) for r in rows))
        return self._signatures[i]

    def bounds(self, key: Key) -> tuple[float, float]:
        if key in self.pinned:
            return self.pinned[key], self.pinned[key]
        if key not in self._bounds:
            signature = (key, self._signature(key))
            if signature not in self.cache:
                self.cache[signature] = self._solve(key)
            self._bounds[key] = self.cache[signature]
        return self._bounds[key]

    def _solve(self, key: Key) -> tuple[float, float]:
        cells, rows = self.component(key)
        if not rows:
            return 0.0, math.inf
        index = {k: j for j, k in enumerate(cells)}
        entries = [(r, index[k], c) for r, i in enumerate(rows) for k, c in self.rows[i][0].items()]
        a = sparse.csr_array(([e[2] for e in entries], ([e[0] for e in entries], [e[1] for e in entries])),
                             shape=(len(rows), len(cells)))
        b = np.array([self.rows[i][1] for i in rows])
        out = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(cells))
            c[index[key]] = sign
            res = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            if res.status == 3:
                out.append(math.inf)
            elif res.status != 0:
                raise RuntimeError(f"disclosure audit: the published figures are inconsistent ({res.message})")
            else:
                out.append(sign * res.fun)
        return max(out[0], 0.0), out[1]


def _sensitive(model: _Model, key: Key, min_cell: int) -> bool:
    return model.people.get(key, False) and 1 <= round(model.values[key]) <= min_cell - 1


def _shown(model: _Model) -> set[Key]:
    """Published cells; a count shown only as a rate is known only with its denominator."""
    shown = {k for k in model.values if model.published(k)}
    return shown - {k for k, den in model.links if den not in shown}


def _rate_rows(model: _Model) -> list[tuple[dict[Key, float], str]]:
    """Published exact proportions as equalities ``num - p den = 0``."""
    rows = []
    for r in model.rates:
        value = r.record.get(r.field)
        if r.num is not None and r.den is not None and r.proportion and _number(value):
            rows.append(({r.num: 1.0, r.den: -float(value)}, "rates"))
    return rows


def _run_audit(model: _Model, min_cell: int, *, with_rates: bool = True,
               cache: dict | None = None) -> tuple[AuditResult, _Solver]:
    shown = _shown(model)
    rate_rows = _rate_rows(model) if with_rates else []
    solver = _Solver(model, shown, rate_rows, cache)
    intervals, failures = [], []
    for key in model.values:
        if key in shown or not _sensitive(model, key, min_cell):
            continue
        low, high = solver.bounds(key)
        interval = Interval(key, model.values[key], low, high)
        intervals.append(interval)
        if interval.width < min_cell - 1 - 1e-6:
            failures.append(interval)
    rate_failures = []
    if with_rates:
        for r in model.rates:
            if r.record.get(r.field) is None:
                continue
            hidden = [d for d in r.deps if not _determined(solver, d)]
            if hidden:
                rate_failures.append(f"{r.field} is shown while {_describe(hidden[0])} is withheld")
            elif _implies_small(model, r, min_cell):
                rate_failures.append(f"{r.field} shows a number of people below {min_cell}")
    used = sorted({rule for _, rule in model.equalities} | ({"rates"} if rate_rows else set()))
    result = AuditResult(min_cell, len(model.values), len(shown), len(intervals), intervals, failures,
                         rate_failures, used, sorted(model.dropped - set(used)), len(model.unaudited))
    return result, solver


def _determined(solver: _Solver, key: Key) -> bool:
    if key in solver.shown:
        return True
    if key not in solver.model.values:
        return False
    low, high = solver.bounds(key)
    return high - low < 1e-6


def _implies_small(model: _Model, rate: _Rate, min_cell: int) -> bool:
    value = rate.record.get(rate.field)
    if not rate.proportion or rate.den is None or rate.den not in model.values or not _number(value):
        return False
    n = model.values[rate.den]
    return any(1 <= round(x) <= min_cell - 1 for x in (value * n, (1 - value) * n))


def _describe(key: Key) -> str:
    return " ".join(str(k) for k in key)


# -- suppression ------------------------------------------------------------------------------

def _hide(model: _Model, key: Key, reason: str) -> None:
    for record, name in model.places.get(key, ()):
        if record.get(name) is not None:
            record[name] = None
            if not record.get("withheld_reason"):
                record["withheld_reason"] = reason


def _linked(model: _Model, shown: set[Key], key: Key) -> tuple[set[Key], set[Key]]:
    """Published cells in an identity with ``key`` (near), and in any identity reached from
    it through hidden cells (far)."""
    index: dict[Key, list[dict[Key, float]]] = defaultdict(list)
    for coefs, _ in model.equalities:
        for k in coefs:
            index[k].append(coefs)
    near = {k for coefs in index[key] for k in coefs if k in shown and model.places.get(k)}
    far: set[Key] = set()
    seen, todo = {key}, [key]
    while todo:
        for coefs in index[todo.pop()]:
            for k in coefs:
                if k in shown:
                    if model.places.get(k):
                        far.add(k)
                elif k not in seen:
                    seen.add(k)
                    todo.append(k)
    return near, far - near


def _candidate(model: _Model, solver: _Solver, failure: Interval, min_cell: int) -> Key | None:
    """A published cell linked to the failing one that gives it room.

    Cells in an identity with the failing cell come first, then those reached through the
    hidden cells it is linked to; among them the smallest count that could give the
    protection range, else the largest.
    """
    need = (min_cell - 1) - failure.width
    for pool in _linked(model, solver.shown, failure.cell):
        if pool:
            big = [k for k in pool if model.values[k] >= need]
            if big:
                return min(big, key=lambda k: (_cost(model, k), model.values[k], _describe(k)))
            return max(pool, key=lambda k: (-_cost(model, k), model.values[k], _describe(k)))
    return None


def _cost(model: _Model, key: Key) -> int:
    """What hiding a cell costs readers: a treatment class's number treated (the page's main
    count, in every time point's identity) most, then other numbers treated, then the rest."""
    if key[0] != "treated":
        return 0
    return 2 if key[1] == CLASS else 1


def _row_rule(model: _Model, min_cell: int, reason: str) -> None:
    """Cheap first pass: in an identity whose hidden cells all lie on one side, a hidden
    cell can move by at most their sum; while that is below ``min_cell - 1`` hide another."""
    changed = True
    while changed:
        changed = False
        shown = _shown(model)
        for coefs, _ in model.equalities:
            hidden = [k for k in coefs if k not in shown]
            if not any(_sensitive(model, k, min_cell) for k in hidden):
                continue
            if len({coefs[k] > 0 for k in hidden}) > 1:
                continue
            room = sum(model.values[k] for k in hidden)
            if room >= min_cell - 1:
                continue
            pool = [k for k in coefs if k in shown and model.places.get(k)]
            if not pool:
                continue
            big = [k for k in pool if model.values[k] + room >= min_cell - 1]
            key = (min(big, key=lambda k: (_cost(model, k), model.values[k], _describe(k))) if big
                   else max(pool, key=lambda k: (-_cost(model, k), model.values[k], _describe(k))))
            _hide(model, key, reason)
            _follow_links(model, reason)
            shown = _shown(model)
            changed = True


def _follow_links(model: _Model, reason: str) -> None:
    for key, den in model.links:
        if not model.published(den) and model.published(key):
            _hide(model, key, reason)


def _withhold_rates(model: _Model, solver: _Solver, min_cell: int) -> None:
    for r in model.rates:
        if r.record.get(r.field) is None:
            continue
        beside = [name for d in r.deps for record, name in model.places.get(d, ()) if record is r.record]
        if any(r.record.get(name) is None for name in beside) or not all(_determined(solver, d) for d in r.deps):
            r.record[r.field] = None
            r.record["withheld_reason"] = r.record.get("withheld_reason") or WITHHELD_RATE
        elif _implies_small(model, r, min_cell):
            r.record[r.field] = None
            r.record["withheld_reason"] = r.record.get("withheld_reason") or WITHHELD_IMPLIED.format(
                min_cell=min_cell)
    for record, name in model.unaudited:
        if record.get(name) is not None:
            record[name] = None
            record["withheld_reason"] = record.get("withheld_reason") or WITHHELD_UNAUDITED


def _suppress(model: _Model, min_cell: int) -> _Solver:
    """Primary then complementary suppression until the count audit passes."""
    small = WITHHELD_SMALL.format(min_cell=min_cell)
    complement = WITHHELD_COMPLEMENT.format(min_cell=min_cell)
    for key in list(model.values):
        if model.published(key) and _sensitive(model, key, min_cell):
            _hide(model, key, small)
    _follow_links(model, small)
    _row_rule(model, min_cell, complement)
    cache: dict = {}
    for round_ in range(MAX_ROUNDS + 1):
        result, solver = _run_audit(model, min_cell, with_rates=False, cache=cache)
        if not result.failures:
            return solver
        chosen: set[Key] = set()
        for failure in result.failures:
            if round_ == MAX_ROUNDS:
                chosen |= _whole_component(model, solver, failure.cell)
            elif failure.cell not in chosen:
                key = _candidate(model, solver, failure, min_cell)
                chosen |= {key} if key is not None else set()
        if not chosen:
            raise RuntimeError("disclosure audit: no cell left to suppress")
        for key in chosen:
            _hide(model, key, complement)
        _follow_links(model, complement)
    raise RuntimeError("disclosure audit: complementary suppression did not converge")


def _whole_component(model: _Model, solver: _Solver, key: Key) -> set[Key]:
    """Last resort: every published cell linked to the failing one (the table withheld)."""
    near, far = _linked(model, solver.shown, key)
    return near | far


# -- entry points -------------------------------------------------------------------------------

def _trim(report: dict[str, Any]) -> dict[str, Any]:
    """What is never published: per-patient details and sections this module does not audit."""
    public = copy.deepcopy(report)
    cohort = public.get("cohort")
    if isinstance(cohort, dict):
        by = cohort.pop("n_by_treatment", None)
        if isinstance(by, dict):
            cohort["by_treatment"] = [{"group": k, "n": v} for k, v in by.items()]
        for name in LEFT_OUT:
            cohort.pop(name, None)
    public.pop("candidacy", None)
    _classes_only(public)
    if isinstance(public.get("outcomes"), dict):
        public["outcomes"].pop("response_model", None)
    if isinstance(public.get("funnel"), dict):
        public["funnel"] = {"site": public["funnel"].get("site")}
    if isinstance(public.get("filters"), dict):
        public["filters"].pop("physician", None)
    return public


def _classes_only(public: dict[str, Any]) -> None:
    """Treatment classes only, no completers-only figures, complications as any and serious.

    A class beside its treatments invites subtraction; completers-only rates are biased
    (staff see them) and each would publish one more count (successes) to protect.
    """
    outcomes = public.get("outcomes")
    if isinstance(outcomes, dict):
        if isinstance(outcomes.get("counts"), list):
            outcomes["counts"] = [r for r in outcomes["counts"] if r.get("level", CLASS) == CLASS]
        if isinstance(outcomes.get("estimates"), list):
            outcomes["estimates"] = [r for r in outcomes["estimates"] if r.get("level", CLASS) == CLASS
                                     and r.get("method") != "completers"]
        outcomes.pop("headline", None)
    if isinstance(public.get("headline"), list):
        public["headline"] = [{k: v for k, v in r.items() if not k.startswith("completers_")}
                              for r in public["headline"]]
    tipping = public.get("tipping_point")
    if isinstance(tipping, dict) and isinstance(tipping.get("table"), list):
        tipping["table"] = [r for r in tipping["table"] if r.get("level", CLASS) == CLASS]
    comparison = public.get("comparison")
    if isinstance(comparison, dict):
        comparison.pop("by_biologic", None)
    cohort = public.get("cohort")
    if isinstance(cohort, dict):
        cohort.pop("by_treatment", None)
    complications = public.get("complications")
    if isinstance(complications, dict) and isinstance(complications.get("table"), list):
        complications["table"] = [r for r in complications["table"] if r.get("kind") in ("any", "serious")]


def _site_limits(public: dict[str, Any], model: _Model, solver: _Solver) -> None:
    """The funnel's overall rate and limits show the registry's completers rate."""
    site = (public.get("funnel") or {}).get("site")
    if not isinstance(site, dict):
        return
    tp = site.get("timepoint")
    deps = [("known", REGISTRY, "all", tp), ("hits", REGISTRY, "all", tp, "success")]
    if not all(_determined(solver, d) for d in deps):
        site["overall_rate"] = None
        site["limits"] = None


def public_report(report: dict[str, Any], min_cell: int) -> dict[str, Any]:
    """A copy of a report (``to_dict()``) safe to publish, with its audit.

    Parameters
    ----------
    report : dict
        ``OutcomesReport.to_dict()`` or the reports app's report.
    min_cell : int
        Smallest number of people that may be shown (``min_cell_size`` of the definitions).

    Returns
    -------
    dict
        The report with hidden counts and the figures that rest on them set to None (a
        record that lost figures says why in ``withheld_reason``), per-patient details and
        unaudited sections left out, plus ``suppression`` (the rule) and ``audit`` (the
        interval audit's summary).

    Raises
    ------
    ValueError
        ``min_cell`` is not a whole number of at least 1, or ``report`` is not a dict.
    """
    if not isinstance(min_cell, int) or isinstance(min_cell, bool) or min_cell < 1:
        raise ValueError("min_cell must be a whole number of at least 1")
    if not isinstance(report, dict):
        raise ValueError("report must be a report dictionary (to_dict())")
    public = _trim(report)
    model = _Reader(public).read()
    solver = _suppress(model, min_cell)
    _withhold_rates(model, solver, min_cell)
    result, solver = _run_audit(model, min_cell)
    _site_limits(public, model, solver)
    if not result.passed:
        raise RuntimeError("disclosure audit failed after suppression: " + "; ".join(
            [_describe(f.cell) for f in result.failures] + result.rate_failures))
    public["suppression"] = {
        "min_cell": min_cell,
        "rule": f"No count from 1 to {min_cell - 1} is shown, nor any figure it could be worked out from.",
        "method": "disctrack.outcomes.disclosure; docs/disclosure.md",
    }
    public["audit"] = result.summary()
    return public


def _mask(original: Any, public: Any) -> None:
    """Set to None in ``original`` every value that ``public`` does not show."""
    if isinstance(original, dict):
        for key, value in original.items():
            shown = public.get(key) if isinstance(public, dict) else None
            if isinstance(value, dict | list):
                _mask(value, shown)
            elif shown is None:
                original[key] = None
    elif isinstance(original, list):
        for i, value in enumerate(original):
            shown = public[i] if isinstance(public, list) and i < len(public) else None
            if isinstance(value, dict | list):
                _mask(value, shown)
            elif shown is None:
                original[i] = None


def audit(original: dict[str, Any], public: dict[str, Any], min_cell: int) -> AuditResult:
    """Audit a publication against the report it came from.

    Cells and their true values come from ``original``; a cell or figure is published when
    ``public`` shows it (not None) at the same place. Every published exact proportion is
    an equality. Use it to check any publication, including one made by other code.
    """
    trimmed = _trim(original)
    model = _Reader(trimmed).read()
    _mask(trimmed, public)
    result, _ = _run_audit(model, min_cell)
    return result


def suppress_small_cells(report_dict: dict[str, Any], min_cell: int = 11) -> dict[str, Any]:
    """The public copy of a report: the same code path as :func:`public_report`."""
    return public_report(report_dict, min_cell)
