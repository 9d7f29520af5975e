"""URLs of the reports app: staff reports under /reports/, the public page under /outcomes/."""

from django.urls import path

from disctrack.reports.views import candidacy, overview, pdf, public

urlpatterns = [
    path("reports/", overview.overview, name="reports-overview"),
    path("reports/pdf/", pdf.report_pdf_view, name="reports-pdf"),
    path("reports/candidacy/<str:registry_id>/", candidacy.candidacy, name="candidacy"),
    path("outcomes/", public.public_outcomes, name="public-outcomes"),
    path("outcomes.json", public.public_outcomes_json, name="public-outcomes-json"),
]
