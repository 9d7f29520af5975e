"""The outcome report as a PDF download, for the same filters as the page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from disctrack.reports.analysis import PAGE
from disctrack.reports.pdf import report_pdf
from disctrack.reports.service import get_report
from disctrack.reports.views.selection import read_filters


@login_required
def report_pdf_view(request):
    filters = read_filters(request)
    payload = get_report(filters.selection, profile=PAGE)
    response = HttpResponse(report_pdf(payload, filters), content_type="application/pdf")
    day = payload["report"]["cohort"]["as_of"]
    response["Content-Disposition"] = f'attachment; filename="disctrack-outcomes-{day}.pdf"'
    return response
