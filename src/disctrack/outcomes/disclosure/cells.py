"""Reading a report dictionary into cells, identities and rates.

Every count published anywhere in the report is a *cell* keyed by what it counts, such as
``("due", "treatment_class", "biologic", "m12")``; the same cell found in several tables
is one cell with several places. Each figure computed from counts (a rate, an estimate,
an interval) is a :class:`~.model.Rate` resting on the cells it needs. Counts this module
does not know are cells of their own, linked to no other (``"unlinked"``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .identities import add_identities
from .model import (
    BINARY_MEASURES,
    CLASS,
    REGISTRY,
    SITE,
    TREATMENT,
    Key,
    Model,
    is_count,
    number,
    rate_like,
)

COUNT_FIELDS = {"n_due": "due", "n_answered": "answered", "n_pending": "pending", "n_not_due": "not_due",
                "n_dead": "dead", "n_withdrawn": "withdrawn", "n_surgery": "surgery"}
SITE_RATES = ("completeness", "rate", "rate_ci_low", "rate_ci_high", "completers_rate", "expected_rate",
              "oe_ratio", "adjusted_rate", "adjusted_ci_low", "adjusted_ci_high")


def mapping(value: Any) -> dict[str, Any]:
    """A report section that should be a dictionary; anything else reads as empty."""
    return value if isinstance(value, dict) else {}


def records(value: Any) -> list[dict[str, Any]]:
    """A report table that should be a list of records; anything else reads as empty."""
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def site_section(report: dict[str, Any]) -> dict[str, Any] | None:
    """The site funnel of a report, when it has one."""
    site = mapping(report.get("funnel")).get("site")
    return site if isinstance(site, dict) else None


def read_cells(public: dict[str, Any]) -> Model:
    """The model of a report: its cells, the identities between them, its rates."""
    return _Reader(public).read()


class _Reader:
    """Maps the report's tables onto cells, identities and rates."""

    def __init__(self, public: dict[str, Any]) -> None:
        self.m = Model()
        self.public = public
        site = site_section(public)
        self.primary = (mapping(public.get("outcomes")).get("primary_timepoint")
                        or (site.get("timepoint") if site is not None else None))
        self.months: dict[Any, float] = {}
        self.modelled: set[int] = set()

    def read(self) -> Model:
        p = self.public
        outcomes = mapping(p.get("outcomes"))
        self._counts(outcomes.get("counts"))
        self._estimates(outcomes.get("estimates"))
        for headline in (p.get("headline"), outcomes.get("headline")):
            self._headline(headline)
        self._tipping(mapping(p.get("tipping_point")).get("table"))
        survival = mapping(p.get("survival"))
        self._survival(survival.get("table"), survival.get("level", CLASS))
        complications = mapping(p.get("complications"))
        self._complications(complications.get("table"), complications.get("level", CLASS))
        for result in mapping(p.get("comparison")).values():
            if isinstance(result, dict):
                self._comparison(result)
        site = site_section(p)
        if site is not None:
            self._sites(site)
        self._cohort(mapping(p.get("cohort")))
        add_identities(self.m, self.months)
        self._unlinked(p, {(id(record), name) for places in self.m.places.values() for record, name in places})
        return self.m

    def _rows(self, table: Any) -> Iterator[dict[str, Any]]:
        """The records of a table, each noted as read by this module."""
        for r in records(table):
            self.modelled.add(id(r))
            yield r

    def _completeness(self, r: dict[str, Any], level: Any, group: Any, tp: Any, due: str | None = "n_due",
                      answered: str | None = "n_answered") -> tuple[Key, Key]:
        """A group's number due and answered at a time point (the record's ``due`` and
        ``answered`` fields, if given), and the completeness that is their ratio."""
        keys = ("due", level, group, tp), ("answered", level, group, tp)
        for key, name in zip(keys, (due, answered), strict=True):
            if name is not None:
                self.m.cell(key, r, name)
        self.m.rate(r, "completeness", (), num=keys[1], den=keys[0])
        return keys

    # tables
    def _counts(self, table: Any) -> None:
        m = self.m
        for r in self._rows(table):
            level, group, tp = r.get("level"), r.get("group"), r.get("timepoint")
            months = number(r.get("months"))
            if months is not None:
                self.months[tp] = months
            m.cell(("treated", level, group), r, "n_treated")
            for name, fam in COUNT_FIELDS.items():
                m.cell((fam, level, group, tp), r, name)
            for name in [k for k, v in r.items() if is_count(k, v) and k not in COUNT_FIELDS and k != "n_treated"]:
                m.cell((name, level, group, tp), r, name)
                m.at_most("nested_in_due", [(name, level, group, tp)], ("due", level, group, tp))
            self._completeness(r, level, group, tp, due=None, answered=None)

    def _estimates(self, table: Any) -> None:
        m = self.m
        for r in self._rows(table):
            level, group, tp, measure, method = (r.get(k) for k in ("level", "group", "timepoint", "measure",
                                                                   "method"))
            due, answered = self._completeness(r, level, group, tp, answered=None)
            binary = measure in BINARY_MEASURES
            deps: tuple[Key | None, ...]
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

    def _headline(self, table: Any) -> None:
        m, tp = self.m, self.primary
        for r in self._rows(table):
            group = r.get("group")
            known, hits = ("known", CLASS, group, tp), ("hits", CLASS, group, tp, "success")
            m.cell(("treated", CLASS, group), r, "n_treated")
            due, answered = self._completeness(r, CLASS, group, tp)
            m.through_rate(hits, r, "completers_estimate", known)
            for name in [k for k in r if isinstance(k, str) and k.startswith(("completers_", "mi_", "ipw_",
                                                                                "adjusted_"))]:
                if name.startswith("completers_"):
                    m.rate(r, name, (), num=hits, den=known, proportion=name.endswith("estimate"))
                else:
                    m.rate(r, name, (due, answered), den=due, proportion=name.endswith("estimate"))

    def _tipping(self, table: Any) -> None:
        m = self.m
        for r in self._rows(table):
            level, group, tp, measure = (r.get(k) for k in ("level", "group", "timepoint", "measure"))
            due = m.cell(("due", level, group, tp), r, "n_due")
            m.cell(("imputed", level, group, tp, measure), r, "n_imputed")
            deps = [due, ("answered", level, group, tp)]
            for name in ("estimate", "ci_low", "ci_high"):
                m.rate(r, name, deps, den=due if measure in BINARY_MEASURES else None,
                       proportion=name == "estimate" and measure in BINARY_MEASURES)

    def _survival(self, table: Any, level: Any) -> None:
        m = self.m
        for r in self._rows(table):
            group, h = r.get("group"), r.get("horizon_months")
            treated = m.cell(("treated", level, group), r, "n")
            events = m.cell(("events", level, group, h), r, "n_events")
            at_risk = m.cell(("at_risk", level, group, h), r, "n_at_risk")
            for name in ("km_surgery_free", "km_ci_low", "km_ci_high", "cif_surgery", "cif_ci_low", "cif_ci_high"):
                m.rate(r, name, (treated, events, at_risk), den=treated, proportion=name in (
                    "km_surgery_free", "cif_surgery"))

    def _complications(self, table: Any, level: Any) -> None:
        m = self.m
        for r in self._rows(table):
            group, kind, value = r.get("group"), r.get("kind"), r.get("value")
            treated = m.cell(("treated", level, group), r, "n_treated")
            patients = m.cell(("cx_patients", level, group, kind, value), r, "n_patients")
            m.cell(("cx_events", level, group, kind, value), r, "n_events")
            m.rate(r, "rate", (), num=patients, den=treated)
            for name in ("ci_low", "ci_high"):
                m.rate(r, name, (patients, treated), proportion=False)

    def _comparison(self, result: dict[str, Any]) -> None:
        m, tp = self.m, result.get("timepoint") or self.primary
        level = result.get("by", CLASS)
        for r in self._rows(result.get("groups")):
            due, answered = self._completeness(r, level, r.get("group"), tp, due="n")
            for name in [k for k in r if isinstance(k, str) and k.startswith("adjusted_")]:
                m.rate(r, name, (due, answered), den=due, proportion=name == "adjusted_success")
        for r in self._rows(result.get("overlap")):
            m.cell(("due", level, r.get("group"), tp), r, "n")
        for r in self._rows(result.get("effects")):
            a, sep, b = str(r.get("pair", "")).partition(" - ")
            if not sep:
                a = b = ""
            deps: list[Key | None] = [m.cell(("due", level, a, tp), r, "n_a"), m.cell(("due", level, b, tp), r, "n_b")]
            deps += [("answered", level, g, tp) for g in (a, b)]
            for name in ("estimate", "ci_low", "ci_high", "se_bootstrap", "crude"):
                m.rate(r, name, deps, proportion=False)

    def _sites(self, site: dict[str, Any]) -> None:
        m, tp = self.m, site.get("timepoint") or self.primary
        site["timepoint"] = tp
        completers = str(site.get("measure", "")).endswith("(completers)")
        for r in self._rows(site.get("units")):
            u = r.get("unit")
            treated = m.cell(("treated", SITE, u), r, "n_treated")
            due = m.cell(("due", SITE, u, tp), r, "n_due")
            answered = m.cell(("answered", SITE, u, tp), r, "n_answered")
            known = m.cell(("known", SITE, u, tp), r, "n")
            hits = m.cell(("hits", SITE, u, tp, "success"), r, "successes")
            m.rate(r, "completeness", (), num=answered, den=due)
            everything = (treated, due, answered, known, hits)
            if completers:
                m.rate(r, "rate", (), num=hits, den=known)
            else:
                m.rate(r, "rate", everything, den=due)
                for name in ("rate_ci_low", "rate_ci_high"):
                    m.rate(r, name, everything, proportion=False)
            m.rate(r, "completers_rate", (), num=hits, den=known)
            for name in ("expected_rate", "oe_ratio", "adjusted_rate", "adjusted_ci_low", "adjusted_ci_high"):
                m.rate(r, name, everything, den=due, proportion=name == "adjusted_rate")
            for name in [k for k in r if rate_like(k) and k not in SITE_RATES]:
                m.rate(r, name, everything, proportion=False)
        self.modelled.update(id(r) for r in records(site.get("limits")))

    def _cohort(self, cohort: dict[str, Any]) -> None:
        m = self.m
        self.modelled.add(id(cohort))
        m.cell(("treated", REGISTRY, "all"), cohort, "n_patients")
        for r in self._rows(cohort.get("by_treatment")):
            m.cell(("treated", TREATMENT, r.get("group")), r, "n")
        due = m.cell(("followups_due", REGISTRY, "all"), cohort, "n_followups_due")
        answered = m.cell(("followups_answered", REGISTRY, "all"), cohort, "n_followups_answered")
        m.rate(cohort, "completeness", (), num=answered, den=due)
        for name, key in (("n_surgery", "surgery_ever"), ("n_dead", "dead_ever"), ("n_withdrawn", "withdrawn_ever")):
            m.cell((key, REGISTRY, "all"), cohort, name)

    def _unlinked(self, node: Any, placed: set[tuple[int, str]]) -> None:
        """Counts this module does not model: each is a cell of its own, protected by
        primary suppression and the audit but linked to no other."""
        if isinstance(node, dict):
            counts = [k for k, v in node.items() if is_count(k, v) and (id(node), k) not in placed]
            for k in counts:
                self.m.cell(("unlinked", id(node), k), node, k)
            if id(node) not in self.modelled:
                for k in [k for k in node if rate_like(k) and node[k] is not None and counts]:
                    self.m.rate(node, k, [("unlinked", id(node), c) for c in counts], proportion=False)
            for v in node.values():
                self._unlinked(v, placed)
        elif isinstance(node, list):
            for v in node:
                self._unlinked(v, placed)
