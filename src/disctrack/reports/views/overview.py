"""The staff outcome report page (any role at a site, analysts and read-only included)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from disctrack.core.memo import Kept
from disctrack.outcomes import load_definitions
from disctrack.reports import presentation
from disctrack.reports.analysis import PAGE
from disctrack.reports.service import ReportPending, get_report
from disctrack.reports.views.pending import pending_page
from disctrack.reports.views.selection import Filters, read_filters


def report_context(payload: dict[str, Any], filters: Filters) -> dict[str, Any]:
    """Everything the page and the PDF show, from a stored payload."""
    report = payload["report"]
    return {
        "report": report,
        "freshness": payload.get("freshness"),
        "figures": payload["figures"],
        "filters": filters,
        "groups": presentation.group_rows(report, filters.by, filters.timepoint),
        "survival": presentation.survival_rows(report),
        "complications": presentation.complication_rows(report),
        "complication_details": presentation.complication_rows(report, ("category", "severity")),
        "comparison": presentation.comparison(report, "by_class"),
        "comparison_biologic": presentation.comparison(report, "by_biologic"),
        "tipping": presentation.tipping_rows(report),
        "funnel_sites": presentation.funnel_rows(report, "site"),
        "funnel_physicians": presentation.funnel_rows(report, "physician"),
        "candidacy": presentation.candidacy_rows(report),
        "mic": presentation.mic_rows(report.get("definitions") or {}),
        "full_settings": full_settings(),
    }


def full_settings() -> dict[str, int]:
    """What `disctrack outcomes` uses, for pages that state they compute with less."""
    defs = load_definitions()
    return {"n_imputations": defs.n_imputations, "n_bootstrap": defs.n_bootstrap}


# The report's tables and figures depend only on the stored snapshot, the grouping and time
# point asked for and the language: each process renders them once (a network's report has
# a row per clinic and physician, and rendering it took longer than anything else).
_BODIES = Kept(32)


def _body(request, payload: dict[str, Any], filters: Filters) -> str:
    key = (payload["snapshot"], get_language(), filters.by, filters.timepoint)
    return _BODIES.get_or_make(key, lambda: mark_safe(
        render_to_string("reports/_report_body.html", report_context(payload, filters), request)))


@login_required
def overview(request):
    filters = read_filters(request)
    try:
        payload = get_report(filters.selection, profile=PAGE)
    except ReportPending as pending:
        return pending_page(request, pending)
    return render(request, "reports/overview.html", {
        "report": payload["report"], "freshness": payload["freshness"], "filters": filters,
        "full_settings": full_settings(), "body": _body(request, payload, filters)})
