"""Computed reports for a selection of sites, kept in the database until the data change.

The payload every page, PDF and JSON view renders from is a plain dict: the report JSON
(``analysis.Analysis.to_dict``), the figures as SVG, when and for what it was computed.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from datetime import date
from importlib.metadata import version
from typing import Any

from django.db.models import Max
from django.utils import timezone

from disctrack.outcomes import load_definitions
from disctrack.registry.models import AuditEntry, Physician, Site
from disctrack.reports.analysis import PAGE, SECTIONS, Profile, analyse
from disctrack.reports.charts import report_images
from disctrack.reports.frames import build_frames
from disctrack.reports.models import ReportSnapshot

KEEP_SNAPSHOTS = 50
# Part of every snapshot key: change it when the payload's content changes, so that reports
# stored by an earlier release are computed afresh.
PAYLOAD_FORMAT = 2


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


def snapshot_key(selection: Selection, *, profile: Profile, seed: int, as_of: date,
                 sections: tuple[str, ...], figures: bool) -> str:
    parts = {"format": PAYLOAD_FORMAT, "release": version("disctrack"),
             "selection": asdict(selection), "profile": asdict(profile), "seed": seed,
             "as_of": as_of.isoformat(), "sections": sorted(sections), "figures": figures,
             "definitions": load_definitions().sha256, "data": data_version(selection.site_ids)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def get_report(selection: Selection, *, profile: Profile = PAGE, seed: int = 0,
               as_of: date | None = None, sections: tuple[str, ...] = SECTIONS,
               figures: bool = True) -> dict[str, Any]:
    """The stored payload for this selection and data version, computing it if needed."""
    as_of = as_of or timezone.now().date()
    key = snapshot_key(selection, profile=profile, seed=seed, as_of=as_of, sections=sections, figures=figures)
    stored = ReportSnapshot.objects.filter(key=key).values_list("payload", flat=True).first()
    if stored is not None:
        return stored
    started = time.monotonic()
    payload = compute_payload(selection, profile=profile, seed=seed, as_of=as_of, sections=sections,
                              figures=figures)
    ReportSnapshot.objects.get_or_create(key=key, defaults={
        "payload": payload, "created_at": timezone.now(), "seconds": time.monotonic() - started})
    stale = ReportSnapshot.objects.order_by("-created_at").values_list("id", flat=True)[KEEP_SNAPSHOTS:]
    ReportSnapshot.objects.filter(id__in=list(stale)).delete()
    return payload


def compute_payload(selection: Selection, *, profile: Profile, seed: int, as_of: date,
                    sections: tuple[str, ...] = SECTIONS, figures: bool = True) -> dict[str, Any]:
    """Build the frames, run the analyses and draw the figures, without storing anything."""
    started = time.monotonic()
    frames = build_frames(list(selection.site_ids), physician_id=selection.physician_id,
                          treatment=selection.treatment, as_of=as_of)
    analysis = analyse(frames, profile=profile, seed=seed, sections=sections)
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
    return {"report": report, "figures": svgs, "figures_png": pngs,
            "seconds": round(time.monotonic() - started, 1)}
