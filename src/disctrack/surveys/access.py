"""Access to responses, by the rules of registry/access.py through their time point.

Another site's response answers 404 without saying whether it exists; a role without the
need answers 403.
"""

from __future__ import annotations

from django.http import Http404

from disctrack.registry.access import READ, access_timepoint
from disctrack.surveys.models import Response


def access_response(user, response_id: int, need: str = READ) -> Response:
    response = Response.objects.select_related("entered_by").filter(id=response_id).first()
    if response is None:
        raise Http404("No such response")
    response.timepoint = access_timepoint(user, response.timepoint_id, need)
    return response
