"""URLs of the registry's staff pages."""

from django.urls import path

from disctrack.registry.views import (
    account,
    audit,
    complications,
    detail,
    edits,
    enroll,
    events,
    patients,
    staff,
    status,
    treatments,
)

urlpatterns = [
    path("account/password/", account.password_change, name="password-change"),
    path("patients/", patients.patient_list, name="patient-list"),
    path("patients/enroll/", enroll.enroll, name="patient-enroll"),
    path("patients/<str:registry_id>/", detail.patient_detail, name="patient-detail"),
    path("patients/<str:registry_id>/identity/", edits.identity_edit, name="identity-edit"),
    path("patients/<str:registry_id>/contact/", edits.contact_preferences, name="contact-preferences"),
    path("patients/<str:registry_id>/treatments/new/", treatments.treatment_record, name="treatment-record"),
    path("patients/<str:registry_id>/complications/new/", complications.complication_record,
         name="complication-record"),
    path("patients/<str:registry_id>/events/new/", events.event_record, name="event-record"),
    path("patients/<str:registry_id>/audit/", audit.patient_audit, name="patient-audit"),
    path("episodes/<int:episode_id>/edit/", edits.episode_edit, name="episode-edit"),
    path("episodes/<int:episode_id>/imaging/", edits.imaging_edit, name="imaging-edit"),
    path("episodes/<int:episode_id>/surgery-status/", status.surgery_status_record,
         name="surgery-status-record"),
    path("treatments/<int:treatment_id>/edit/", treatments.treatment_edit, name="treatment-edit"),
    path("complications/<int:complication_id>/adjudicate/", complications.complication_adjudicate,
         name="complication-adjudicate"),
    path("audit/", audit.audit_log, name="audit-log"),
    path("staff/", staff.staff_list, name="staff-list"),
    path("staff/new/", staff.staff_new, name="staff-new"),
    path("staff/<int:staff_id>/", staff.staff_detail, name="staff-detail"),
    path("staff/physicians/new/", staff.physician_new, name="physician-new"),
]
