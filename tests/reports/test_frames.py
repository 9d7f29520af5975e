"""The data frames the statistics read, built from what staff and patients recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
import time_machine
from tests.reports.helpers import answer, enroll_treated, odi_answers, treatment_data

from disctrack.followup.actions.calls import do_log_call
from disctrack.outcomes.frames import check_frames
from disctrack.outcomes.survival import surgery_times
from disctrack.registry.actions import (
    do_adjudicate_complication,
    do_record_complication,
    do_record_event,
    do_record_surgery_status_known,
    do_record_treatment,
)
from disctrack.registry.models import Event, Treatment
from disctrack.reports.analysis import analyse
from disctrack.reports.frames import build_frames
from disctrack.surveys.actions import do_correct_response

AS_OF = date(2026, 11, 24)
IDENTITY_COLUMNS = {"given_name", "family_name", "date_of_birth", "email", "mobile_phone",
                    "medical_record_number", "postal_code", "registry_id_hash"}


def frames_for(personas, **kwargs):
    return build_frames([personas.site_a.id], as_of=AS_OF, **kwargs)


def row_of(frame: pd.DataFrame, patient) -> pd.Series:
    return frame.set_index("patient_id").loc[patient.registry_id]


@pytest.fixture
def treated(personas):
    """Treated 1 Feb 2026 (MSC); baseline ODI 48 later corrected to 52; 1 month ODI 30 in
    clinic; no answer at 3 and 6 months; fusion on 10 Jul 2026."""
    who = personas.coordinator
    patient = enroll_treated(who, personas.site_a, personas.physician_a, performed_on=date(2026, 2, 1))
    answer(who, patient, "baseline", odi=48, on=date(2026, 1, 25), back=7, leg=4)
    answer(who, patient, "m1", odi=30, on=date(2026, 3, 3), channel="clinic")
    surgery = treatment_data("fusion", personas.physician_a, date(2026, 7, 10))
    do_record_treatment(who, patient.episodes.get(), {**surgery, "reason": "persistent pain"})
    baseline_odi = patient.timepoints.get(code="baseline").responses.get(instrument="odi")
    do_correct_response(who, baseline_odi, odi_answers(52), reason="paper form misread")
    return patient


def test_case_mix_and_baseline_come_from_the_record(treated, personas):
    row = row_of(frames_for(personas).patients, treated)
    assert row["treatment"] == "msc" and row["treatment_class"] == "biologic"
    assert row["site"] == "site-a" and row["physician"] == "Dr. Alba Ruiz"
    assert row["age"] == 45  # born 14 Mar 1980, treated 1 Feb 2026
    assert row["sex"] == "female"
    assert row["bmi"] == pytest.approx(78 / 1.72**2, abs=0.05)
    assert not row["smoker"] and row["working"] and not row["opioid_use"] and not row["prior_surgery"]
    assert row["symptom_months"] == 18
    assert (row["pfirrmann_max"], row["modic"], row["n_levels"]) == (4, 1, 1)
    assert row["baseline_odi"] == 52, "the corrected version is the current one"
    assert (row["baseline_nrs_back"], row["baseline_nrs_leg"]) == (7, 4)


def test_subsequent_surgery_and_status_known(treated, personas):
    row = row_of(frames_for(personas).patients, treated)
    assert row["treatment_date"] == pd.Timestamp("2026-02-01")
    assert row["surgery_date"] == pd.Timestamp("2026-07-10")
    assert pd.isna(row["death_date"]) and pd.isna(row["withdrawal_date"])
    assert row["status_known_date"] == pd.Timestamp("2026-07-10"), "the surgery is the latest news"
    assert pd.isna(row["lost_date"])


def test_death_ends_follow_up_and_closes_only_what_was_not_yet_due(treated, personas):
    do_record_event(personas.coordinator, treated.episodes.get(), kind="death",
                    occurred_on=date(2026, 10, 1))
    frames = frames_for(personas)
    row = row_of(frames.patients, treated)
    assert row["death_date"] == pd.Timestamp("2026-10-01")
    assert row["status_known_date"] == pd.Timestamp("2026-10-01")
    status = frames.followups.set_index("timepoint")["status"]
    assert status["m3"] == "missed" and status["m6"] == "missed", "due before the death, never answered"
    assert status["m12"] == "dead"


def test_followups_hold_scores_status_and_channel(treated, personas):
    followups = frames_for(personas).followups.set_index("timepoint")
    assert list(followups.index) == ["baseline", "m1", "m3", "m6", "m12", "m24", "m36", "m48", "m60"]
    m1 = followups.loc["m1"]
    assert (m1["status"], m1["channel"], m1["months"], m1["odi"]) == ("answered", "staff", 1.0, 30.0)
    assert m1["pgic"] == 2
    assert followups.loc["baseline", "eq5d_index_us"] == pytest.approx(1 - 0.096 - 0.068 - 0.098)
    assert followups.loc["m3", "status"] == "missed", "window closed on 31 May, unanswered"
    assert followups.loc["m12", "status"] == "not_due"
    assert followups.loc["m3", ["odi", "channel"]].isna().all()


def test_adjudicated_complications_without_rejected_ones(treated, personas):
    episode = treated.episodes.get()
    report = {"occurred_on": date(2026, 2, 20), "relatedness": "possible", "severity": "mild"}
    flare = do_record_complication(personas.coordinator, episode, {**report, "category": "post_injection_flare"})
    do_adjudicate_complication(personas.clinician, flare, status="confirmed", note="seen in clinic",
                               severity="moderate")
    rejected = do_record_complication(personas.coordinator, episode, {**report, "category": "discitis"})
    do_adjudicate_complication(personas.clinician, rejected, status="rejected", note="MRI clear")
    do_record_complication(personas.coordinator, episode, {**report, "category": "harvest_site_pain"})
    complications = frames_for(personas).complications.sort_values("category")
    assert list(complications["category"]) == ["harvest_site_pain", "post_injection_flare"]
    flare_row = complications[complications["category"] == "post_injection_flare"].iloc[0]
    assert flare_row["severity"] == "moderate", "the adjudicated severity"
    assert flare_row["related"] == "possible"


def test_frames_pass_the_contract_and_hold_no_identity(treated, personas):
    outsider = enroll_treated(personas.outsider, personas.site_b, personas.physician_b,
                              performed_on=date(2026, 3, 1), family_name="Elsewhere")
    frames = frames_for(personas)
    check_frames(frames.patients, frames.followups, frames.complications)
    for frame in (frames.patients, frames.followups, frames.complications):
        assert not IDENTITY_COLUMNS & set(frame.columns)
    text = frames.patients.to_csv() + frames.followups.to_csv()
    for value in ("Synthetic", "Ana", "MRN-0001", "1980-03-14", "ana.synthetic@example.test"):
        assert value not in text
    assert outsider.registry_id not in set(frames.patients["patient_id"])


def test_filters_by_physician_and_treatment(treated, personas):
    from disctrack.registry.actions import do_add_physician

    other_doctor = do_add_physician("system: test", personas.site_a, "Dr. Other")
    fused = enroll_treated(personas.coordinator, personas.site_a, other_doctor,
                           performed_on=date(2026, 4, 1), kind="fusion")
    assert set(frames_for(personas).patients["patient_id"]) == {treated.registry_id, fused.registry_id}
    by_doctor = frames_for(personas, physician_id=other_doctor.id).patients
    assert list(by_doctor["patient_id"]) == [fused.registry_id]
    biologic = frames_for(personas, treatment="biologic").patients
    assert list(biologic["patient_id"]) == [treated.registry_id]
    assert list(frames_for(personas, treatment="fusion").patients["patient_id"]) == [fused.registry_id]


def test_kinds_without_an_outcome_group_are_left_out_and_said_so(personas):
    enroll_treated(personas.coordinator, personas.site_a, personas.physician_a,
                   performed_on=date(2026, 4, 1), kind="decompression")
    frames = frames_for(personas)
    assert frames.patients.empty and frames.followups.empty
    assert frames.notes == ["Left out, no outcome group defined for them: 1 decompression"]
    check_frames(frames.patients, frames.followups, frames.complications)


def test_a_handful_of_queries_whatever_the_number_of_patients(treated, personas,
                                                              django_assert_max_num_queries):
    for month in (3, 4, 5):
        patient = enroll_treated(personas.coordinator, personas.site_a, personas.physician_a,
                                 performed_on=date(2026, month, 1))
        answer(personas.coordinator, patient, "baseline", odi=40, on=date(2026, month, 1))
    # index, events, surgeries, time points, 4 instruments, imaging, complications, and the
    # status known (index, treatments, answers, events, calls)
    with django_assert_max_num_queries(16):
        frames = frames_for(personas)
    assert len(frames.patients) == 4


def test_a_site_without_patients_gives_empty_frames_that_pass_the_contract(personas):
    frames = frames_for(personas)
    assert frames.patients.empty and frames.followups.empty and frames.complications.empty
    check_frames(frames.patients, frames.followups, frames.complications)


@pytest.fixture
def quiet(personas):
    """Treated 1 May 2026 (MSC), baseline answered on 28 Apr 2026 and nothing since."""
    who = personas.coordinator
    patient = enroll_treated(who, personas.site_a, personas.physician_a, performed_on=date(2026, 5, 1))
    answer(who, patient, "baseline", odi=44, on=date(2026, 4, 28))
    return patient


def test_without_news_the_status_is_known_up_to_the_treatment(quiet, personas):
    row = row_of(frames_for(personas).patients, quiet)
    assert row["status_known_date"] == pd.Timestamp("2026-05-01"), "the baseline came before"


def test_a_call_that_reached_the_patient_tells_the_status(quiet, personas):
    m3 = quiet.timepoints.get(code="m3")
    with time_machine.travel(datetime(2026, 7, 20, 9, tzinfo=UTC), tick=False):
        do_log_call(personas.coordinator, m3, outcome="no_answer")
    with time_machine.travel(datetime(2026, 8, 4, 9, tzinfo=UTC), tick=False):
        do_log_call(personas.coordinator, m3, outcome="reached")
    with time_machine.travel(datetime(2026, 8, 30, 9, tzinfo=UTC), tick=False):
        do_log_call(personas.coordinator, m3, outcome="no_answer")
    row = row_of(frames_for(personas).patients, quiet)
    assert row["status_known_date"] == pd.Timestamp("2026-08-04"), "unanswered calls tell nothing"


def test_a_date_staff_recorded_keeps_the_patient_at_risk_until_then(quiet, personas):
    do_record_surgery_status_known(personas.coordinator, quiet.episodes.get(), known_on=date(2026, 10, 15),
                                   reason="seen in clinic")
    patients = frames_for(personas).patients
    row = row_of(patients, quiet)
    assert row["status_known_date"] == pd.Timestamp("2026-10-15")
    months = surgery_times(patients.set_index("patient_id")).loc[quiet.registry_id, "months"]
    assert months == pytest.approx(167 / 30.4375), "censored 167 days after treatment, not at day 0"


def test_a_recorded_loss_dates_the_loss_but_is_no_news_of_the_patient(quiet, personas):
    """Staff record a loss months after the last contact; they did not learn then whether
    the patient had surgery, so counting that date would keep lost patients at risk with no
    surgery possible, and surgery-free survival would come out too high."""
    do_record_event(personas.coordinator, quiet.episodes.get(), kind="lost_to_follow_up",
                    occurred_on=date(2026, 9, 1))
    row = row_of(frames_for(personas).patients, quiet)
    assert row["lost_date"] == pd.Timestamp("2026-09-01")
    assert row["status_known_date"] == pd.Timestamp("2026-05-01"), "still the index treatment"


def test_the_status_is_never_known_after_the_report_date(quiet, personas):
    do_record_surgery_status_known(personas.coordinator, quiet.episodes.get(), known_on=date(2026, 10, 15))
    early = build_frames([personas.site_a.id], as_of=date(2026, 9, 30))
    assert row_of(early.patients, quiet)["status_known_date"] == pd.Timestamp("2026-09-30")


def _move_index_after_its_surgery(patient) -> None:
    """What an edit could do before such edits were refused (the action refuses it now)."""
    Treatment.objects.filter(episode__patient=patient, role="index").update(performed_on=date(2026, 8, 1))


def test_a_contradictory_record_is_left_out_listed_and_the_rest_reported(treated, quiet, personas):
    _move_index_after_its_surgery(treated)
    frames = frames_for(personas)
    assert list(frames.patients["patient_id"]) == [quiet.registry_id]
    assert set(frames.followups["patient_id"]) == {quiet.registry_id}
    check_frames(frames.patients, frames.followups, frames.complications)
    reason = ("left out: the index treatment (2026-08-01) is dated after its subsequent surgery "
              "(2026-07-10); correct one of the two dates")
    assert frames.excluded == [{"registry_id": treated.registry_id, "left_out": "patient", "reason": reason}]
    assert f"{treated.registry_id}: {reason}" in frames.notes


def test_a_death_recorded_before_the_treatment_is_left_out(quiet, personas):
    do_record_event(personas.coordinator, quiet.episodes.get(), kind="death", occurred_on=date(2026, 6, 1))
    Event.objects.update(occurred_on=date(2026, 4, 1))
    frames = frames_for(personas)
    assert frames.patients.empty
    assert frames.excluded[0]["reason"] == ("left out: death is recorded on 2026-04-01, before the "
                                            "index treatment (2026-05-01); correct one of the two dates")


def test_one_bad_record_does_not_silence_the_report(treated, quiet, personas):
    for month in (3, 4):
        patient = enroll_treated(personas.coordinator, personas.site_a, personas.physician_a,
                                 performed_on=date(2025, month, 1))
        answer(personas.coordinator, patient, "baseline", odi=50, on=date(2025, month, 1))
    _move_index_after_its_surgery(treated)
    analysis = analyse(frames_for(personas), sections=("survival", "complications"))
    assert analysis.unavailable == {}
    assert analysis.results["survival"] is not None and analysis.results["complications"] is not None
    assert any(treated.registry_id in note for note in analysis.cohort["notes"])
