"""Computed reports for a selection of sites, kept in the database until the data change.

The payload every page, PDF and JSON view renders from is a plain dict: the report JSON
(``analysis.Analysis.to_dict``), the figures as SVG, when and for what it was computed, and
its ``freshness``. A full analysis takes tens of seconds, longer than a page view may, so
pages show the last stored report while a background thread computes the current one.
``store_reports`` computes several reports of one selection from one analysis (the demo
stores the registry-wide staff and public reports before it finishes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import version
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Max, Q
from django.utils import timezone

from disctrack.core.memo import Kept
from disctrack.outcomes import load_definitions
from disctrack.registry.models import AuditEntry, Physician, Site
from disctrack.reports.analysis import PAGE, SECTIONS, Analysis, Profile, analyse
from disctrack.reports.charts import report_images
from disctrack.reports.frames import RegistryFrames, build_frames
from disctrack.reports.models import ReportComputation, ReportSnapshot
from disctrack.reports.public import PUBLIC_SECTIONS, public_summary

KEEP_SNAPSHOTS = 50
# Part of every snapshot key: change it when the payload's content changes, so that reports
# stored by an earlier release are computed afresh.
PAYLOAD_FORMAT = 4  # 3: figures without inline styles (CSP); 4: the public summary stored with its report
# Longer than any report takes; a computation killed with its process is retried after it.
COMPUTATION_LEASE = timedelta(minutes=15)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selection:
    """Which index treatments a report covers."""

    site_ids: tuple[int, ...]
    physician_id: int | None = None
    treatment: str | None = None

    @classmethod
    def of(cls, site_ids, physician_id: int | None = None, treatment: str | None = None) -> Selection:
        return cls(tuple(sorted(set(site_ids))), physician_id, treatment or None)


def data_version(site_ids: tuple[int, ...]) -> int:
    """The latest audit entry of the sites: every recorded change moves it."""
    return AuditEntry.objects.filter(site_id__in=site_ids).aggregate(last=Max("id"))["last"] or 0


def report_scope(selection: Selection, *, profile: Profile, seed: int, sections: tuple[str, ...],
                 figures: bool) -> str:
    """What a report is of, whatever the day and the data: its snapshots replace each other."""
    parts = {"format": PAYLOAD_FORMAT, "release": version("disctrack"),
             "selection": asdict(selection), "profile": asdict(profile), "seed": seed,
             "sections": sorted(sections), "figures": figures, "definitions": load_definitions().sha256}
    return _digest(parts)


def snapshot_key(scope: str, *, as_of: date, data: int) -> str:
    return _digest({"scope": scope, "as_of": as_of.isoformat(), "data": data})


def _digest(parts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class ReportPending(Exception):
    """No report of this kind is stored yet; one is being computed in the background."""

    def __init__(self, last_error: str = ""):
        super().__init__("the report is being computed")
        self.last_error = last_error


def get_report(selection: Selection, *, profile: Profile = PAGE, seed: int = 0,
               as_of: date | None = None, sections: tuple[str, ...] = SECTIONS,
               figures: bool = True, background: bool | None = None) -> dict[str, Any]:
    """The stored payload for this selection and data version, computing it if needed.

    In the background (the web's default, ``DISCTRACK_REPORTS_IN_BACKGROUND``) an out-of-date
    report is returned at once, its ``freshness`` saying so, while one thread computes the
    current one; with nothing stored yet, ReportPending is raised. Otherwise the report is
    computed here and now.
    """
    as_of = as_of or timezone.now().date()
    scope = report_scope(selection, profile=profile, seed=seed, sections=sections, figures=figures)
    key = snapshot_key(scope, as_of=as_of, data=data_version(selection.site_ids))
    stored = _snapshot(key)
    if stored is not None:
        return _with_freshness(*stored, current=True)

    def compute() -> dict[str, Any]:
        return _compute_and_store(selection, scope, profile=profile, seed=seed, as_of=as_of,
                                  sections=sections, figures=figures)

    if not (settings.REPORTS_IN_BACKGROUND if background is None else background):
        return _with_freshness(compute(), timezone.now(), f"{key}:computed:{secrets.token_hex(8)}",
                               current=True)
    in_background(scope, compute)
    latest_key = (ReportSnapshot.objects.filter(scope=scope).order_by("-created_at")
                  .values_list("key", flat=True).first())
    latest = _snapshot(latest_key) if latest_key else None
    if latest is None:
        raise ReportPending(ReportComputation.objects.filter(scope=scope)
                            .values_list("last_error", flat=True).first() or "")
    return _with_freshness(*latest, current=latest_key == key)


# A stored snapshot never changes: each process parses a payload (a megabyte of JSON with
# its figures) once, not on every page view, and checks by the row's id and time that the
# database still holds that very snapshot. Callers get a shallow copy with its freshness.
_PARSED = Kept(8)


def _snapshot(key: str) -> tuple[dict[str, Any], datetime, str] | None:
    """(payload, computed at, identity) of the stored snapshot with this key, or None."""
    row = ReportSnapshot.objects.filter(key=key).values_list("id", "created_at").first()
    if row is None:
        return None
    payload = _PARSED.get((key, *row))
    if payload is None:
        payload = ReportSnapshot.objects.filter(id=row[0]).values_list("payload", flat=True).first()
        if payload is None:  # pruned since
            return None
        _PARSED.put((key, *row), payload)
    return payload, row[1], f"{key}:{row[0]}:{row[1].isoformat()}"


def _with_freshness(payload: dict[str, Any], computed_at: datetime, key: str, *,
                    current: bool) -> dict[str, Any]:
    """The payload (not copied deeply: it is read, never changed) with its freshness and the
    identity of the snapshot it is (pages keep what they render from it by that identity;
    one computed here and now has an identity of its own)."""
    return {**payload, "freshness": {"current": current, "computed_at": computed_at.isoformat()},
            "snapshot": key}


def _compute_and_store(selection: Selection, scope: str, *, profile: Profile, seed: int, as_of: date,
                       sections: tuple[str, ...], figures: bool) -> dict[str, Any]:
    # Read the data version first: a change made while computing leaves this snapshot stale.
    key = snapshot_key(scope, as_of=as_of, data=data_version(selection.site_ids))
    started = time.monotonic()
    payload = compute_payload(selection, profile=profile, seed=seed, as_of=as_of, sections=sections,
                              figures=figures)
    _store(key, scope, payload, time.monotonic() - started)
    return payload


def _store(key: str, scope: str, payload: dict[str, Any], seconds: float) -> None:
    ReportSnapshot.objects.get_or_create(key=key, defaults={
        "scope": scope, "payload": payload, "created_at": timezone.now(), "seconds": seconds})
    stale = ReportSnapshot.objects.order_by("-created_at").values_list("id", flat=True)[KEEP_SNAPSHOTS:]
    ReportSnapshot.objects.filter(id__in=list(stale)).delete()


@dataclass(frozen=True)
class Wanted:
    """One stored report of a selection: which sections, with figures or not."""

    sections: tuple[str, ...]
    figures: bool


def registry_wide() -> tuple[Selection, list[Wanted]]:
    """The reports every site's staff and the public see first: the staff report of every
    site (what a user of all sites opens) and the public page's."""
    selection = Selection.of(Site.objects.values_list("id", flat=True))
    return selection, [Wanted(SECTIONS, True), Wanted(PUBLIC_SECTIONS, False)]


def store_reports(selection: Selection, wanted: list[Wanted], *, profile: Profile = PAGE, seed: int = 0,
                  as_of: date | None = None) -> int:
    """Compute and store the reports ``wanted`` of one selection, from one analysis.

    The sections of every wanted report are computed once (same frames, seed and settings,
    so each stored report is the one its page would have computed); reports already stored
    for the current data are left alone. Returns how many reports were stored.
    """
    as_of = as_of or timezone.now().date()
    data = data_version(selection.site_ids)
    todo = []
    for want in wanted:
        scope = report_scope(selection, profile=profile, seed=seed, sections=want.sections, figures=want.figures)
        key = snapshot_key(scope, as_of=as_of, data=data)
        if not ReportSnapshot.objects.filter(key=key).exists():
            todo.append((want, scope, key))
    if not todo:
        return 0
    started = time.monotonic()
    sections = tuple(name for name in SECTIONS if any(name in want.sections for want, _, _ in todo))
    frames = _frames(selection, as_of)
    analysis = analyse(frames, profile=profile, seed=seed, sections=sections)
    for want, scope, key in todo:
        payload = _payload(selection, analysis.only(want.sections), want.figures, started,
                           public=want.sections == PUBLIC_SECTIONS)
        _store(key, scope, payload, time.monotonic() - started)
    return len(todo)


def in_background(scope: str, compute: Callable[[], object]) -> threading.Thread | None:
    """Start ``compute`` in a thread unless a computation of this scope holds the lease.

    Returns the thread started, or None when another thread or process is already at it.
    """
    now = timezone.now()
    ReportComputation.objects.get_or_create(scope=scope)
    claimed = (ReportComputation.objects.filter(scope=scope)
               .filter(Q(running_since__isnull=True) | Q(running_since__lt=now - COMPUTATION_LEASE))
               .update(running_since=now))
    if not claimed:
        return None

    def run() -> None:
        error = ""
        try:
            compute()
        except Exception as exc:  # the page says so; the next visit tries again
            log.exception("computing report %s failed", scope[:12])
            error = f"{type(exc).__name__}: {exc}"
        finally:
            ReportComputation.objects.filter(scope=scope, running_since=now).update(
                running_since=None, last_error=error)
            connections.close_all()

    thread = threading.Thread(target=run, name=f"report-{scope[:8]}", daemon=True)
    thread.start()
    return thread


def compute_payload(selection: Selection, *, profile: Profile, seed: int, as_of: date,
                    sections: tuple[str, ...] = SECTIONS, figures: bool = True) -> dict[str, Any]:
    """Build the frames, run the analyses and draw the figures, without storing anything."""
    started = time.monotonic()
    analysis = analyse(_frames(selection, as_of), profile=profile, seed=seed, sections=sections)
    return _payload(selection, analysis, figures, started, public=tuple(sections) == PUBLIC_SECTIONS)


def _frames(selection: Selection, as_of: date) -> RegistryFrames:
    return build_frames(list(selection.site_ids), physician_id=selection.physician_id,
                        treatment=selection.treatment, as_of=as_of)


def _payload(selection: Selection, analysis: Analysis, figures: bool, started: float, *,
             public: bool = False) -> dict[str, Any]:
    """What a page renders. The public page's report also carries its disclosure-checked
    summary: the suppression and its interval audit take seconds, once per computation,
    never per request."""
    report = analysis.to_dict()
    sites = Site.objects.filter(id__in=selection.site_ids).order_by("code")
    physician = Physician.objects.filter(id=selection.physician_id).first()
    report.update({
        "generated_at": timezone.now().isoformat(),
        "sites": [{"code": s.code, "name": s.name} for s in sites],
        "filters": {"physician": physician.name if physician else None,
                    "treatment": selection.treatment},
    })
    svgs, pngs = report_images(analysis) if figures else ({}, {})
    payload = {"report": report, "figures": svgs, "figures_png": pngs}
    if public:
        payload["public"] = public_summary(report, {s.code: s.name for s in sites})
    return {**payload, "seconds": round(time.monotonic() - started, 1)}
