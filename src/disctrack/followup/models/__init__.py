"""Follow-up models: time points, the outbound queue, staff tasks and safety alerts."""

from disctrack.followup.models.queue import (
    EMAIL_STEPS,
    LIVE_STATUSES,
    TASK_STEPS,
    Attempt,
    AttemptOutcome,
    MessageStatus,
    OutboundMessage,
    Step,
)
from disctrack.followup.models.tasks import (
    AlertStatus,
    CallLog,
    CallOutcome,
    FollowupTask,
    SafetyAlert,
    TaskKind,
    TaskStatus,
)
from disctrack.followup.models.timepoints import (
    CLOSED_STATUSES,
    Channel,
    TimePoint,
    TimePointStatus,
)

__all__ = [
    "CLOSED_STATUSES",
    "EMAIL_STEPS",
    "LIVE_STATUSES",
    "TASK_STEPS",
    "AlertStatus",
    "Attempt",
    "AttemptOutcome",
    "CallLog",
    "CallOutcome",
    "Channel",
    "FollowupTask",
    "MessageStatus",
    "OutboundMessage",
    "SafetyAlert",
    "Step",
    "TaskKind",
    "TaskStatus",
    "TimePoint",
    "TimePointStatus",
]
