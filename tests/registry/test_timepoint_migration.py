"""The time point moved from the follow-up app to the registry without losing a row or a link.

A populated registry is taken back to the schema before the move (followup.TimePoint in the
table followup_timepoint), a time point with its message, task and survey link is added there
as the old code would have, and the registry is migrated forward again. Runs on SQLite, and
on PostgreSQL in CI's second run.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from tests.followup.answers import MONTH_1, enter

from disctrack.followup.models import FollowupTask, MessageStatus, OutboundMessage, TaskStatus
from disctrack.registry.models import TimePoint, TimePointStatus
from disctrack.surveys.models import Response, SurveyLink

BEFORE_THE_MOVE = [
    ("registry", "0002_audit_append_only"),
    ("followup", "0002_timepoint_ladder_planned_at_followuptask_calllog_and_more"),
    ("surveys", "0002_surveylink_channel"),
]
NOW = datetime(2026, 2, 23, 10, tzinfo=UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _rows(model, *fields) -> list[tuple]:
    return sorted(model.objects.values_list(*fields))


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_time_point_and_everything_that_points_to_it(personas, patient):
    m1 = patient.timepoints.get(code="m1")
    enter(personas.coordinator, m1, MONTH_1)
    baseline = patient.timepoints.get(code="baseline")
    SurveyLink.objects.create(timepoint=baseline, token_hash="a" * 64, created_at=NOW,
                              expires_at=NOW + timedelta(days=30))
    fields = ("id", "patient_id", "treatment_id", "code", "status", "opens_on", "closes_on",
              "answered_at", "channel", "instruments")
    timepoints = _rows(TimePoint, *fields)
    responses = _rows(Response, "id", "timepoint_id", "instrument", "answers")
    links = _rows(SurveyLink, "id", "timepoint_id", "token_hash")

    old = _migrate(BEFORE_THE_MOVE)
    OldTimePoint = old.get_model("followup", "TimePoint")
    assert OldTimePoint._meta.db_table == "followup_timepoint"
    assert sorted(OldTimePoint.objects.values_list(*fields)) == timepoints
    # Written as the old code would: a new time point with its queued message, task and link.
    added = OldTimePoint.objects.create(
        patient_id=patient.pk, treatment_id=m1.treatment_id, protocol="default", protocol_version=1,
        code="m9", label="9 months", months=9, opens_on=date(2026, 10, 1),
        target_on=date(2026, 11, 1), closes_on=date(2026, 12, 1), instruments=["odi"])
    old.get_model("followup", "OutboundMessage").objects.create(
        timepoint=added, step="email", due_at=NOW, next_attempt_at=NOW, created_at=NOW)
    old.get_model("followup", "FollowupTask").objects.create(
        timepoint=added, kind="call", due_on=date(2026, 10, 15), created_at=NOW)
    old.get_model("surveys", "SurveyLink").objects.create(
        timepoint=added, token_hash="b" * 64, created_at=NOW, expires_at=NOW + timedelta(days=30))

    _migrate(_latest())
    assert TimePoint._meta.db_table == "registry_timepoint"
    moved = TimePoint.objects.get(pk=added.pk)
    assert (moved.code, moved.status, moved.patient, moved.instruments) == (
        "m9", TimePointStatus.PENDING, patient, ["odi"])
    assert sorted(TimePoint.objects.exclude(pk=added.pk).values_list(*fields)) == timepoints
    assert _rows(Response, "id", "timepoint_id", "instrument", "answers") == responses
    assert sorted(SurveyLink.objects.exclude(timepoint=moved).values_list(
        "id", "timepoint_id", "token_hash")) == links
    assert moved.links.get().token_hash == "b" * 64
    assert OutboundMessage.objects.get(timepoint=moved).status == MessageStatus.QUEUED
    assert FollowupTask.objects.get(timepoint=moved).status == TaskStatus.OPEN
    assert ContentType.objects.get_for_model(TimePoint).app_label == "registry"
    assert not ContentType.objects.filter(app_label="followup", model="timepoint").exists()


@pytest.mark.django_db(transaction=True)
def test_work_left_for_the_old_sweep_is_cancelled_by_the_move(personas, patient):
    """Before, closing a time point left its queued messages for the worker to cancel."""
    old = _migrate(BEFORE_THE_MOVE)
    OldTimePoint = old.get_model("followup", "TimePoint")
    closed = OldTimePoint.objects.get(patient_id=patient.pk, code="m1")
    closed.status, closed.closed_reason = "withdrawn", "Withdrawal on 2026-02-23"
    closed.save()
    pending = OldTimePoint.objects.get(patient_id=patient.pk, code="m3")
    Message = old.get_model("followup", "OutboundMessage")
    for tp in (closed, pending):
        Message.objects.create(timepoint=tp, step="email", due_at=NOW, next_attempt_at=NOW, created_at=NOW)
        old.get_model("followup", "FollowupTask").objects.create(
            timepoint=tp, kind="call", due_on=date(2026, 3, 1), created_at=NOW)

    _migrate(_latest())
    assert OutboundMessage.objects.get(timepoint_id=closed.pk).status == MessageStatus.CANCELLED
    assert FollowupTask.objects.get(timepoint_id=closed.pk).status == TaskStatus.CANCELLED
    assert OutboundMessage.objects.get(timepoint_id=pending.pk).status == MessageStatus.QUEUED
    assert FollowupTask.objects.get(timepoint_id=pending.pk).status == TaskStatus.OPEN
