"""Outcome charts: the latest version of each answer, drawn as inline SVG."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from tests.registry.postdata import complete_answers

from disctrack.surveys.actions import do_correct_response, do_enter_response
from disctrack.surveys.views.charts import Chart, Line, _spaced, patient_charts, render_svg
from disctrack.surveys.views.patient_section import annotate_timepoints, timepoints_with_links


def _answer_baseline(patient, personas, back: int):
    baseline = patient.timepoints.get(code="baseline")
    with time_machine.travel(baseline.target_on + timedelta(days=1), tick=False):
        do_enter_response(personas.coordinator, baseline,
                          complete_answers(baseline.instruments, back=back, leg=2), channel="phone")
    return baseline


def test_a_corrected_answer_replaces_the_original_in_the_chart(patient, personas):
    baseline = _answer_baseline(patient, personas, back=9)
    original = baseline.responses.get(instrument="nrs_pain")
    do_correct_response(personas.coordinator, original, {"back": 7, "leg": 2}, "typed 9 for 7")
    timepoints = annotate_timepoints(timepoints_with_links(patient), baseline.target_on, False)
    pain = {chart.title: chart for chart in patient_charts(timepoints)}["Back and leg pain"]
    assert pain.table() == [(0, [7.0, 2.0])]


def test_the_svg_is_inline_ready_named_and_free_of_script():
    chart = Chart("Back and leg pain", "Pain NRS", 10,
                  (Line("Back pain", ((0, 8.0), (3, 4.0))), Line("Leg pain", ((0, 5.0),))))
    svg = render_svg(chart)
    assert svg.startswith('<svg role="img" aria-label="Back and leg pain" ')
    assert "<script" not in svg and "<?xml" not in svg
    assert "Months after the index treatment" in svg  # text kept as text, not glyph paths


def test_ticks_are_spaced_so_they_can_be_read():
    assert _spaced([0, 1, 3, 6]) == [0, 1, 3, 6]
    assert _spaced([0, 1, 3, 6, 12, 24, 60]) == [0, 3, 6, 12, 24, 60]


def test_a_chart_is_drawn_once_for_the_same_data_and_again_when_an_answer_changes(monkeypatch):
    """The patient page is viewed far more often than its answers change: the same data is
    not drawn twice, and a corrected value draws a new chart."""
    from disctrack.surveys.views import charts

    drawn = []
    real_draw = charts._draw
    monkeypatch.setattr(charts, "_draw", lambda chart: drawn.append(chart) or real_draw(chart))
    charts.render_svg.cache_clear()

    def pain(back: float) -> Chart:
        return Chart("Back and leg pain", "Pain NRS", 10, (Line("Back pain", ((0, 8.0), (3, back))),))

    first = render_svg(pain(4.0))
    assert render_svg(pain(4.0)) == first and len(drawn) == 1
    assert render_svg(pain(3.0)) != first and len(drawn) == 2
