"""Kept so that ``from disctrack.outcomes.suppression import suppress_small_cells`` works:
the one disclosure control is :mod:`disctrack.outcomes.disclosure`."""

from .disclosure import suppress_small_cells

__all__ = ["suppress_small_cells"]
