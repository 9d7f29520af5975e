"""The PDF report: a valid PDF with the definitions, methods and tables in it."""

from __future__ import annotations

import base64
import re
import zlib

from django.urls import reverse

URL = reverse("reports-pdf")


def pdf_text(data: bytes) -> str:
    """The text shown by the page streams (reportlab encodes them ASCII85 then Flate, and
    writes each line as a (string) Tj)."""
    shown = []
    for stream in re.findall(rb"/ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)~>endstream", data, re.S):
        content = zlib.decompress(base64.a85decode(stream))
        shown += [s.decode("latin-1") for s in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", content, re.S)]
    return " ".join(shown)


def test_pdf_has_title_definitions_methods_and_tables(client_for, cohort, personas):
    response = client_for(personas.analyst).get(URL, {"site": "site-a", "timepoint": "m12"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="disctrack-outcomes-2026-11-24.pdf"'
    data = response.content
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", data)) >= 3
    text = pdf_text(data)
    for expected in ("DiscTrack outcome report", "Definitions used", "Composite success", "Methods",
                     "Outcomes at 12 months", "Subsequent surgery", "Complications", "Charts", "Clinic A"):
        assert expected in text, expected
    assert "Clinic B" not in text


def test_pdf_of_another_site_is_404(client_for, cohort, personas):
    assert client_for(personas.outsider).get(URL, {"site": "site-a"}).status_code == 404


def test_pdf_prints_the_reason_for_a_missing_figure_and_no_internal_codes(client_for, cohort, personas):
    text = pdf_text(client_for(personas.analyst).get(URL, {"site": "site-a", "timepoint": "m1"}).content)
    assert "no answers at this time point" in text
    assert "Lumbar fusion" in text and "Outcomes at 1 month" in text
    for code in ("odi_change", "odi_mean", "nrs_back", "comparison_class", "disc_replacement", "fusion -"):
        assert code not in text, code
