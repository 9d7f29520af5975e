"""Completeness of follow-up per site, protocol and time point, and by month."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from disctrack.followup.access import sites_in_view
from disctrack.followup.completeness import by_month, by_timepoint, completeness_frame

MONTHS_SHOWN = 36


def _records(table) -> list[dict]:
    return table.astype(object).where(table.notna(), None).to_dict("records")


@login_required
def completeness(request):
    sites = sites_in_view(request.user, request.GET.get("site"))
    frame = completeness_frame([site.id for site in sites])
    timepoints, months = by_timepoint(frame), by_month(frame)
    report = []
    for site in sites:
        site_months = months[months["site"] == site.code].tail(MONTHS_SHOWN)
        report.append({
            "site": site,
            "timepoints": _records(timepoints[timepoints["site"] == site.code]),
            "months": _records(site_months),
        })
    return render(request, "followup/completeness.html", {
        "report": report, "sites": sites_in_view(request.user, None),
        "site_code": request.GET.get("site", ""),
    })
