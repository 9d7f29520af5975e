"""What follow-up work tells the registry about a patient's surgery status.

A telephone call on which staff spoke with the patient is a date the registry knew whether
the patient had another operation. Registered with ``registry.status_known`` in
``disctrack.wiring``, so the patient page and the report frames count the same dates.
"""

from __future__ import annotations

from datetime import UTC

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from disctrack.followup.models import CallLog, CallOutcome
from disctrack.registry.models import Treatment
from disctrack.registry.status_known import Known

REACHED = (CallOutcome.REACHED, CallOutcome.ANSWERED_BY_PHONE, CallOutcome.DECLINED,
           CallOutcome.WITHDREW)
"""Call outcomes on which staff spoke with the patient."""


def reached_calls(index: QuerySet[Treatment]) -> list[Known]:
    """Calls about the index treatments' time points that reached the patient (UTC date)."""
    rows = (CallLog.objects.filter(timepoint__treatment__in=index.values("pk"), outcome__in=REACHED)
            .values_list("timepoint__treatment_id", "at"))
    return [Known(pk, at.astimezone(UTC).date(), _("a telephone call reached the patient")) for pk, at in rows]
