"""The outcome report as a PDF download, for the same filters as the page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from disctrack.reports.analysis import PAGE
from disctrack.reports.pdf import report_pdf
from disctrack.reports.service import ReportPending, get_report
from disctrack.reports.views.pending import pending_page
from disctrack.reports.views.selection import read_filters


@login_required
def report_pdf_view(request):
    filters = read_filters(request)
    try:
        payload = get_report(filters.selection, profile=PAGE)
    except ReportPending as pending:
        return pending_page(request, pending)
    response = HttpResponse(report_pdf(payload, filters), content_type="application/pdf")
    day = payload["report"]["cohort"]["as_of"]
    response["Content-Disposition"] = f'attachment; filename="disctrack-outcomes-{day}.pdf"'
    return response
