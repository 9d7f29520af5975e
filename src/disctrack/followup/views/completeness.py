"""Completeness of follow-up per site, protocol and time point, and by month."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from disctrack.followup.access import sites_in_view
from disctrack.followup.completeness import by_month, by_timepoint

MONTHS_SHOWN = 36
# A network's administrator sees hundreds of clinics: a page shows this many, counted by the
# database for those clinics only.
SITES_PER_PAGE = 10


def _records(table) -> list[dict]:
    return table.astype(object).where(table.notna(), None).to_dict("records")


@login_required
def completeness(request):
    sites = sites_in_view(request.user, request.GET.get("site"))
    page = Paginator(sites, SITES_PER_PAGE).get_page(request.GET.get("page"))
    shown = [site.id for site in page]
    timepoints, months = by_timepoint(shown), by_month(shown)
    report = []
    for site in page:
        site_months = months[months["site"] == site.code].tail(MONTHS_SHOWN)
        report.append({
            "site": site,
            "timepoints": _records(timepoints[timepoints["site"] == site.code]),
            "months": _records(site_months),
        })
    return render(request, "followup/completeness.html", {
        "report": report, "page": page, "sites": sites_in_view(request.user, None),
        "site_code": request.GET.get("site", ""),
    })
