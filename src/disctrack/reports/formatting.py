"""How figures are written in pages, PDFs and the command's summary."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

from disctrack.reports.outcome_messages import translate_reason

WITHHELD = _noop("withheld")  # a count kept back by small-cell suppression
NOT_ESTIMABLE = "\u2013"  # an estimate the data do not allow (no one due, too few events)

# Labels are marked for translation here and translated when shown (gettext at call time).
GROUP_LABELS = {
    "biologic": _noop("Intradiscal biologic"), "fusion": _noop("Lumbar fusion"),
    "disc_replacement": _noop("Total disc replacement"), "conservative": _noop("Conservative care"),
    "msc": _noop("Culture-expanded MSC"), "bmc": _noop("Bone-marrow concentrate"),
    "prp": _noop("Platelet-rich plasma"), "other_biologic": _noop("Other intradiscal biologic"),
}
TIMEPOINT_LABELS = {
    "baseline": _noop("Baseline"), "m1": _noop("1 month"), "m3": _noop("3 months"), "m6": _noop("6 months"),
    "m12": _noop("12 months"), "m24": _noop("24 months"), "m36": _noop("3 years"), "m48": _noop("4 years"),
    "m60": _noop("5 years"),
}

MEASURE_LABELS = {
    "success": _noop("Composite success"), "responder": _noop("Responder"), "failure": _noop("Failure"),
    "odi_mean": _noop("ODI"), "odi_change": _noop("ODI change"), "nrs_back_mean": _noop("Back pain (NRS)"),
    "nrs_back_change": _noop("Back pain change (NRS)"), "nrs_leg_mean": _noop("Leg pain (NRS)"),
    "nrs_leg_change": _noop("Leg pain change (NRS)"), "eq5d_index_us_mean": _noop("EQ-5D index"),
    "eq5d_index_us_change": _noop("EQ-5D index change"), "pgic_mean": _noop("Global impression of change"),
}
DIFFERENCE_UNITS = {"success": _noop("percentage points"), "odi_change": _noop("ODI points")}
REASON_KEYS = ("reason", "withheld_reason", "note")
SECTION_LABELS = {
    "outcomes": _noop("outcomes at each time point"), "tipping_point": _noop("sensitivity to missing answers"),
    "survival": _noop("surgery-free survival"), "complications": _noop("complications"),
    "comparison_class": _noop("adjusted comparison of treatment classes"),
    "comparison_biologic": _noop("adjusted comparison of biologic types"),
    "candidacy": _noop("candidacy models"), "funnel_site": _noop("sites compared"),
    "funnel_physician": _noop("physicians compared"),
}


def group_label(code: str | None) -> str:
    return gettext(GROUP_LABELS[code]) if code in GROUP_LABELS else (code or "").replace("_", " ")


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Lumbar fusion" -> "lumbar fusion"; acronyms ("MSC") stay."""
    if len(label) > 1 and label[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def timepoint_label(code: str | None) -> str:
    return gettext(TIMEPOINT_LABELS[code]) if code in TIMEPOINT_LABELS else (code or "")


def percent(value: float | None, digits: int = 0) -> str:
    if value is None:
        return NOT_ESTIMABLE
    return f"{value * 100:.{digits}f}%"


def interval(low: float | None, high: float | None, digits: int = 0) -> str:
    """A proportion's interval, e.g. ``38-52%``."""
    if low is None or high is None:
        return ""
    return f"{low * 100:.{digits}f}\u2013{high * 100:.{digits}f}%"


def percent_ci(value: float | None, low: float | None, high: float | None, digits: int = 0) -> str:
    """``54% (40–67%)``, or a dash."""
    if value is None:
        return NOT_ESTIMABLE
    span = interval(low, high, digits)
    return f"{percent(value, digits)} ({span})" if span else percent(value, digits)


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return NOT_ESTIMABLE
    return f"{value:.{digits}f}".replace("-", "\u2212")


def number_interval(low: float | None, high: float | None, digits: int = 1) -> str:
    if low is None or high is None:
        return ""
    return gettext("%(low)s to %(high)s") % {"low": number(low, digits), "high": number(high, digits)}


def count(value: float | None) -> str:
    return gettext(WITHHELD) if value is None else f"{int(value):,}"


def section_label(name: str) -> str:
    """A report section in words: ``comparison_class`` -> "adjusted comparison of treatment classes"."""
    return gettext(SECTION_LABELS[name]) if name in SECTION_LABELS else name.replace("_", " ")


def measure_label(code: str | None) -> str:
    """A measure as people read it: ``odi_change`` -> "ODI change"."""
    return gettext(MEASURE_LABELS[code]) if code in MEASURE_LABELS else (code or "").replace("_", " ")


def pair_label(pair: str | None) -> str:
    """A comparison "first - second" in people's words: "Intradiscal biologic − Lumbar fusion"."""
    return " \u2212 ".join(group_label(code) for code in (pair or "").split(" - "))


def reason_for(row: dict | None) -> str:
    """Why a figure is not given, in plain words: the row's own reason, or "not estimable"."""
    for key in REASON_KEYS:
        if row and row.get(key):
            return translate_reason(str(row[key]))
    return gettext("not estimable")


def estimate_text(row: dict | None, *, value: str = "estimate", low: str | None = "ci_low",
                  high: str | None = "ci_high", as_percent: bool = True, digits: int | None = None,
                  scale: float = 1) -> str:
    """A row's estimate with its interval ("54% (40–67%)", "−18.1 (−22.0 to −14.2)"), or,
    when the data cannot support it, the reason instead of a dash or a zero. ``low=None``:
    a figure without an interval. An interval the data cannot support gives its reason."""
    if not row or row.get(value) is None:
        return reason_for(row)
    places = (0 if as_percent else 1) if digits is None else digits
    x = row[value] * scale
    main = percent(x, places) if as_percent else number(x, places)
    if low is None or high is None:
        return main
    lo, hi = (None if row.get(k) is None else row[k] * scale for k in (low, high))
    span = interval(lo, hi, places) if as_percent else number_interval(lo, hi, places)
    if not span and row.get("reason"):
        span = translate_reason(str(row["reason"]))
    return f"{main} ({span})" if span else main


def cell(row: dict | None, **kwargs) -> dict:
    """A table cell: its text (estimate or reason), whether the figure is given, and the row."""
    value = kwargs.get("value", "estimate")
    return {"text": estimate_text(row, **kwargs), "given": bool(row) and row.get(value) is not None,
            "row": row}
