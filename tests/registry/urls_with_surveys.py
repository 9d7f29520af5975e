"""The project's URL map with stand-ins for the survey app's staff entry and patient pages."""

from django.http import HttpResponse
from django.urls import path

from disctrack import urls as project


def _stand_in(request, **kwargs):
    return HttpResponse("stand-in")


urlpatterns = [
    path("enter-responses/<int:timepoint_id>/", _stand_in, name="response-enter"),
    path("start/<str:token>/", _stand_in, name="survey-start"),
    *project.urlpatterns,
]
