"""What a report page answers while its first report is still being computed."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from disctrack.reports.service import ReportPending

RETRY_AFTER_SECONDS = 15


def pending_page(request, pending: ReportPending, *, public: bool = False) -> HttpResponse:
    """503 with Retry-After: the page reloads itself until the report is stored."""
    response = render(request, "reports/pending.html", {
        "retry_after": RETRY_AFTER_SECONDS, "last_error": pending.last_error, "public": public,
    }, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def pending_json(pending: ReportPending) -> JsonResponse:
    response = JsonResponse({"status": "computing", "retry_after": RETRY_AFTER_SECONDS,
                             "last_error": pending.last_error or None}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
