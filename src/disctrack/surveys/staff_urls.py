"""Staff pages of the surveys app: links, entering, viewing and correcting responses.

Mounted at the site's root by disctrack/urls.py, beside the registry's pages.
"""

from django.urls import path

from disctrack.surveys.views import entry, links, responses

urlpatterns = [
    path("patients/<str:registry_id>/timepoints/<int:timepoint_id>/link/", links.timepoint_link,
         name="timepoint-link"),
    path("timepoints/<int:timepoint_id>/enter/", entry.response_enter, name="response-enter"),
    path("timepoints/<int:timepoint_id>/open-in-clinic/", entry.open_in_clinic,
         name="survey-open-in-clinic"),
    path("responses/<int:response_id>/", responses.response_detail, name="response-detail"),
    path("responses/<int:response_id>/correct/", responses.response_correct,
         name="response-correct"),
]
