"""The written table of identities between published cells, and the code that adds them.

:data:`IDENTITIES` is the table a reader is assumed to know (docs/disclosure.md prints it);
:func:`add_identities` writes each family as linear equalities between the cells of a
:class:`~.model.Model`. An inequality ``a <= b`` becomes ``b = a + r`` with ``r`` an
unpublished cell of its own. Each equality is checked against the report's own numbers
and kept only when it holds (:meth:`~.model.Model.at_most`, :meth:`~.model.Model.equal`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..frames import SEVERITIES, TREATMENTS
from .model import BINARY_MEASURES, CLASS, REGISTRY, SITE, TREATMENT, Key, Model

SERIOUS = ("severe", "life_threatening", "fatal")
STATUS_PARTS = ("due", "pending", "not_due", "dead", "withdrawn")


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


def add_identities(m: Model, months: dict[str, float]) -> None:
    """Every identity of :data:`IDENTITIES` between the cells of ``m`` (``months``: each
    time point's months, to order time points and match them with horizons)."""
    _totals(m)
    tps = sorted(months, key=lambda tp: months[tp])
    for key in [k for k in list(m.values) if k[0] == "due"]:
        _, level, group, tp = key
        if level != SITE:
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
        m.at_most("known", [("scored", level, group, tp, "odi")], ("answered", level, group, tp))
    for level, group in _groups(m, "due"):
        for a, b in zip(tps, tps[1:], strict=False):
            m.at_most("timepoints", [("due", level, group, b)], ("due", level, group, a))
            for fam in ("dead", "withdrawn"):
                m.at_most("timepoints", [(fam, level, group, a)], (fam, level, group, b))
    _horizons(m, months, tps)
    _cohort_totals(m, tps)
    _complications(m)


def _groups(m: Model, family: str) -> Iterable[tuple[str, str]]:
    """The (level, group) pairs with a cell of ``family``, each once, in the report's order
    (not a set's: the order of the identities must not depend on string hashing)."""
    return dict.fromkeys((k[1], k[2]) for k in m.values if k[0] == family)


def _totals(m: Model) -> None:
    """Treatments sum to classes, classes to the registry, sites to the registry."""
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


def _horizons(m: Model, months: dict[str, float], tps: list[str]) -> None:
    by_group: dict[tuple[str, str], list[float]] = defaultdict(list)
    for k in m.values:
        if k[0] == "events":
            by_group[(k[1], k[2])].append(k[3])
    for (level, group), found in by_group.items():
        horizons = sorted(found)
        treated = ("treated", level, group)
        for h in horizons:
            m.at_most("horizons", [("events", level, group, h), ("at_risk", level, group, h)], treated)
            m.at_most("horizons", [("events", level, group, h)], treated)
            m.at_most("horizons", [("at_risk", level, group, h)], treated)
            for tp in tps:
                if months[tp] == h:
                    m.at_most("timepoints", [("surgery", level, group, tp)], ("events", level, group, h))
        for a, b in zip(horizons, horizons[1:], strict=False):
            m.at_most("horizons", [("events", level, group, a)], ("events", level, group, b))
            m.at_most("horizons", [("at_risk", level, group, b)], ("at_risk", level, group, a))


def _cohort_totals(m: Model, tps: list[str]) -> None:
    m.at_most("cohort", [("followups_answered", REGISTRY, "all")], ("followups_due", REGISTRY, "all"))
    for total in ("dead_ever", "withdrawn_ever", "surgery_ever"):
        m.at_most("cohort", [(total, REGISTRY, "all")], ("treated", REGISTRY, "all"))
    for tp in tps:
        for fam, total in (("dead", "dead_ever"), ("withdrawn", "withdrawn_ever"), ("surgery", "surgery_ever")):
            m.at_most("cohort", [(fam, REGISTRY, "all", tp)], (total, REGISTRY, "all"))
    for k in [k for k in m.values if k[0] == "events" and k[1] == REGISTRY]:
        m.at_most("cohort", [k], ("surgery_ever", REGISTRY, "all"))


def _complications(m: Model) -> None:
    for level, group in _groups(m, "cx_patients"):
        def key(fam: str, kind: str, value: str, level: str = level, group: str = group) -> Key:
            return (fam, level, group, kind, value)
        categories = sorted({k[4] for k in m.values if k[0] == "cx_events" and k[1:4] == (level, group, "category")})
        any_e, any_p = key("cx_events", "any", "any"), key("cx_patients", "any", "any")
        serious_p = key("cx_patients", "serious", "any")
        m.equal("complications", any_e, [key("cx_events", "category", c) for c in categories])
        m.equal("complications", any_e, [key("cx_events", "severity", s) for s in SEVERITIES])
        m.equal("complications", key("cx_events", "serious", "any"),
                [key("cx_events", "severity", s) for s in SERIOUS])
        m.at_most("complications", [any_p], ("treated", level, group))
        m.at_most("complications", [serious_p], any_p)
        for s in SERIOUS:
            m.at_most("complications", [key("cx_patients", "severity", s)], serious_p)
        for kind, values in (("category", categories), ("severity", SEVERITIES)):
            for v in values:
                m.at_most("complications", [key("cx_patients", kind, v)], any_p)
                m.at_most("complications", [key("cx_patients", kind, v)], key("cx_events", kind, v), people=False)
            m.at_most("complications", [any_p], _sum_cell(m, [key("cx_patients", kind, v) for v in values]),
                      people=False)
        m.at_most("complications", [any_p], any_e, people=False)


def _sum_cell(m: Model, parts: list[Key]) -> Key:
    """An unpublished cell holding the sum of ``parts`` (for ``a <= p1 + p2 + ...``)."""
    present = [p for p in parts if p in m.values]
    key = ("sum", *present)
    if present and key not in m.values:
        m.derived(key, sum(m.values[p] for p in present), people=False)
        m.equal("complications", key, present)
    return key
