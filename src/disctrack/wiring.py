"""What an app sets off in the apps above it: every such connection, in one place.

An app never imports an app above it (docs/architecture.md; import-linter keeps it so in
CI). Where a lower app's event must set off work in a higher one, the lower app sends a
signal, or offers a place to register, and this module connects the two. Read it to know
everything that happens across the layers.

Called once, when Django starts (`disctrack.apps.WiringConfig.ready`): it imports only
light modules, so that a command's start-up does not load the statistics or the plots.
"""

from __future__ import annotations

from disctrack.core.context import add_nav_provider
from disctrack.followup import context as followup_context
from disctrack.followup import reactions as followup
from disctrack.followup.status_sources import reached_calls
from disctrack.registry import signals as registry
from disctrack.registry.status_known import add_status_source
from disctrack.registry.views import navigation as registry_navigation
from disctrack.registry.views.sections import add_patient_section
from disctrack.reports import context as reports_context
from disctrack.reports.views.patient_section import candidacy_section
from disctrack.surveys import signals as surveys
from disctrack.surveys.views.patient_section import followup_section


def connect() -> None:
    # A time point closed (answered, missed, withdrawn, deceased, stopped, restored by an
    # import): its queued messages and open tasks are cancelled in the same transaction.
    registry.timepoint_closed.connect(followup.stop_work, dispatch_uid="followup.stop_work")
    # A pending time point's window moved: its reminders are planned again.
    registry.timepoint_moved.connect(followup.plan_again, dispatch_uid="followup.plan_again")
    # Answers were submitted: the follow-up engine looks for safety signals in them.
    surveys.responses_submitted.connect(followup.check_safety, dispatch_uid="followup.check_safety")

    # The patient page, after the episodes: questionnaires and charts, then candidacy.
    add_status_source(reached_calls)
    add_patient_section(followup_section)
    add_patient_section(candidacy_section)

    # The staff navigation bar, left to right.
    add_nav_provider(followup_context.navigation)
    add_nav_provider(registry_navigation.navigation)
    add_nav_provider(reports_context.navigation)
