"""Follow-up models: the outbound queue, staff tasks and safety alerts.

Time points themselves are the registry's (`disctrack.registry.models.TimePoint`).
"""

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

__all__ = [
    "EMAIL_STEPS",
    "LIVE_STATUSES",
    "TASK_STEPS",
    "AlertStatus",
    "Attempt",
    "AttemptOutcome",
    "CallLog",
    "CallOutcome",
    "FollowupTask",
    "MessageStatus",
    "OutboundMessage",
    "SafetyAlert",
    "Step",
    "TaskKind",
    "TaskStatus",
]
