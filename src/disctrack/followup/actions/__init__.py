"""Every write of the follow-up engine: pages, commands and the worker call these."""

from disctrack.followup.actions.alerts import do_dismiss_alert, do_record_alert_complication
from disctrack.followup.actions.calls import do_complete_task, do_log_call
from disctrack.followup.actions.optout import do_opt_out

__all__ = [
    "do_complete_task",
    "do_dismiss_alert",
    "do_log_call",
    "do_opt_out",
    "do_record_alert_complication",
]
