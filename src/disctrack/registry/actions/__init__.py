"""Every write to the registry goes through these actions (pages, API, CLI, import, demo).

An action validates, writes in one transaction and records the audit trail. Errors are
django ValidationError with a message per field.
"""

from disctrack.registry.actions.events import (
    do_adjudicate_complication,
    do_record_complication,
    do_record_event,
)
from disctrack.registry.actions.patients import (
    do_enroll_patient,
    do_set_contact_preferences,
    do_set_imaging,
    do_update_episode,
    do_update_identity,
)
from disctrack.registry.actions.sites import (
    do_add_physician,
    do_change_site_protocol,
    do_create_site,
    do_create_staff,
    do_remove_membership,
    do_set_membership,
    do_set_password,
    do_set_staff_active,
)
from disctrack.registry.actions.status import do_record_surgery_status_known
from disctrack.registry.actions.treatments import do_record_treatment, do_update_treatment

__all__ = [
    "do_add_physician",
    "do_adjudicate_complication",
    "do_change_site_protocol",
    "do_create_site",
    "do_create_staff",
    "do_enroll_patient",
    "do_record_complication",
    "do_record_event",
    "do_record_surgery_status_known",
    "do_record_treatment",
    "do_set_contact_preferences",
    "do_set_imaging",
    "do_remove_membership",
    "do_set_membership",
    "do_set_password",
    "do_set_staff_active",
    "do_update_episode",
    "do_update_identity",
    "do_update_treatment",
]
