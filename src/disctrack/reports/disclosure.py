"""The public release of a report: see :mod:`disctrack.outcomes.disclosure`."""

from disctrack.outcomes.disclosure import audit, public_report

__all__ = ["audit", "public_report"]
