"""One completeness: the completeness page, the report JSON and the report page agree.

A site following the ICHOM protocol (follow-up stops after a subsequent surgery), eight
patients given an MSC injection on 2 June 2025, seen at the 6-month time point (window 2
November 2025 to 31 January 2026) on 24 November 2026:

* three answered (one of them never answered the baseline: the answer still counts);
* one never answered: missed;
* one had a fusion on 1 September 2025: follow-up stopped by the protocol;
* one died and one withdrew on 1 September 2025, before the window;
* one died on 1 March 2026, after the window had closed unanswered: missed (recording the
  death closed it, but it had been due and was never answered).

By hand: answered / (answered + missed) = 3 / (3 + 2) = 60%; the stopped, dead and withdrawn
time points are outside.
"""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from tests.reports.helpers import answer, enroll_treated, treatment_data

from disctrack.followup.completeness import by_timepoint
from disctrack.registry.actions import do_change_site_protocol, do_record_event, do_record_treatment

TREATED_ON = date(2025, 6, 2)
EARLY = date(2025, 9, 1)


@pytest.fixture
def six_months(personas):
    who = personas.coordinator
    do_change_site_protocol("system: test", personas.site_a, "ichom")
    personas.site_a.refresh_from_db()
    patients = [enroll_treated(who, personas.site_a, personas.physician_a, performed_on=TREATED_ON)
                for _ in range(8)]
    no_baseline, answers, answers_too, missed, operated, died, withdrew, died_later = patients
    for patient in patients[1:]:
        answer(who, patient, "baseline", odi=50)
    for patient, odi in ((no_baseline, 30), (answers, 24), (answers_too, 40)):
        answer(who, patient, "m6", odi=odi)
    surgery = treatment_data("fusion", personas.physician_a, EARLY)
    do_record_treatment(who, operated.episodes.get(), {**surgery, "reason": "no improvement"})
    do_record_event(who, died.episodes.get(), kind="death", occurred_on=EARLY)
    do_record_event(who, withdrew.episodes.get(), kind="withdrawal", occurred_on=EARLY,
                    reason="no longer wishes to take part")
    do_record_event(who, died_later.episodes.get(), kind="death", occurred_on=date(2026, 3, 1))
    return patients


def test_the_completeness_page_counts_each_state_once(personas, six_months):
    table = by_timepoint([personas.site_a.id]).set_index("timepoint")
    m6 = table.loc["m6"]
    assert (m6["answered"], m6["missed"], m6["stopped"], m6["dead"], m6["withdrawn"]) == (3, 2, 1, 1, 1)
    assert m6["response_rate"] == pytest.approx(0.6)


def test_the_page_the_json_and_the_report_give_the_same_completeness(client_for, personas, six_months):
    page = client_for(personas.coordinator).get(reverse("completeness"), {"site": "site-a"}).content.decode()
    row = page[page.index('<th scope="row">6 months</th>'):]
    assert "60%" in row[:row.index("</tr>")], "the completeness page"

    out = StringIO()
    call_command("outcomes", "--json", "--site", "site-a", "--imputations", "2", "--bootstrap", "1", stdout=out)
    report = json.loads(out.getvalue())
    counts = {(r["level"], r["group"], r["timepoint"]): r for r in report["outcomes"]["counts"]}
    m6 = counts[("treatment_class", "biologic", "m6")]
    assert (m6["n_answered"], m6["n_stopped"]) == (3, 1)
    assert m6["completeness"] == pytest.approx(0.6), "the report JSON"
    assert counts[("treatment", "msc", "m6")]["completeness"] == pytest.approx(0.6)

    staff = client_for(personas.coordinator).get(reverse("reports-overview"), {"site": "site-a", "timepoint": "m6"})
    outcomes = staff.content.decode()
    table = outcomes[outcomes.index('id="outcomes"'):outcomes.index('id="rates"')]
    biologic = table[table.index("Intradiscal biologic"):]
    assert "60%" in biologic[:biologic.index("</tr>")], "the staff report page"
