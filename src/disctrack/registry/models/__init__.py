from disctrack.registry.models.audit import AuditChainHead, AuditEntry, AuditTrailIsAppendOnly
from disctrack.registry.models.episodes import Episode, LevelImaging, sorted_levels
from disctrack.registry.models.events import Complication, Event
from disctrack.registry.models.patients import Patient, PatientIdentity, new_registry_id
from disctrack.registry.models.sites import Membership, Physician, Site
from disctrack.registry.models.timepoints import (
    CLOSED_STATUSES,
    Channel,
    TimePoint,
    TimePointStatus,
)
from disctrack.registry.models.treatments import Treatment

__all__ = [
    "CLOSED_STATUSES",
    "AuditChainHead",
    "AuditEntry",
    "AuditTrailIsAppendOnly",
    "Channel",
    "Complication",
    "Episode",
    "Event",
    "LevelImaging",
    "Membership",
    "Patient",
    "PatientIdentity",
    "Physician",
    "Site",
    "TimePoint",
    "TimePointStatus",
    "Treatment",
    "new_registry_id",
    "sorted_levels",
]
