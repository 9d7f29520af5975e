"""URLs of the follow-up pages (mounted at /followup/)."""

from django.urls import path

from disctrack.followup.views import alerts, completeness, optout, sites, worklist

urlpatterns = [
    path("worklist/", worklist.worklist, name="worklist"),
    path("timepoints/<int:timepoint_id>/call/", worklist.call_log, name="call-log"),
    path("tasks/<int:task_id>/done/", worklist.task_complete, name="task-complete"),
    path("alerts/", alerts.alert_list, name="safety-alerts"),
    path("alerts/<int:alert_id>/", alerts.alert_review, name="safety-alert"),
    path("completeness/", completeness.completeness, name="completeness"),
    path("sites/<str:code>/protocol/", sites.site_protocol, name="site-protocol"),
    path("opt-out/<str:token>/", optout.opt_out, name="opt-out"),
]
