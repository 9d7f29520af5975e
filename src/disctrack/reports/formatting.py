"""How figures are written in pages, PDFs and the command's summary."""

from __future__ import annotations

WITHHELD = "withheld"  # a count kept back by small-cell suppression
NOT_ESTIMABLE = "\u2013"  # an estimate the data do not allow (no one due, too few events)

GROUP_LABELS = {
    "biologic": "Intradiscal biologic", "fusion": "Lumbar fusion",
    "disc_replacement": "Total disc replacement", "conservative": "Conservative care",
    "msc": "Culture-expanded MSC", "bmc": "Bone-marrow concentrate", "prp": "Platelet-rich plasma",
    "other_biologic": "Other intradiscal biologic",
}
TIMEPOINT_LABELS = {"baseline": "Baseline", "m1": "1 month", "m3": "3 months", "m6": "6 months",
                    "m12": "12 months", "m24": "24 months", "m36": "3 years", "m48": "4 years",
                    "m60": "5 years"}


def group_label(code: str | None) -> str:
    return GROUP_LABELS.get(code or "", (code or "").replace("_", " "))


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Lumbar fusion" -> "lumbar fusion"; acronyms ("MSC") stay."""
    if len(label) > 1 and label[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def timepoint_label(code: str | None) -> str:
    return TIMEPOINT_LABELS.get(code or "", code or "")


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
    return f"{number(low, digits)} to {number(high, digits)}"


def count(value: float | None) -> str:
    return WITHHELD if value is None else f"{int(value):,}"
