"""Completeness of follow-up per site, protocol and time point, and by month."""

from __future__ import annotations

from collections import defaultdict

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
    timepoints, months = defaultdict(list), defaultdict(list)
    for row in _records(by_timepoint(shown)):
        timepoints[row["site"]].append(row)
    for row in _records(by_month(shown)):
        months[row["site"]].append(row)
    report = [{"site": site, "timepoints": timepoints[site.code], "months": months[site.code][-MONTHS_SHOWN:]}
              for site in page]
    return render(request, "followup/completeness.html", {
        "report": report, "page": page, "sites": sites_in_view(request.user, None),
        "site_code": request.GET.get("site", ""),
    })
