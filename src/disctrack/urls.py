"""The URL map: one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("disctrack.core.urls")),
    path("", include("disctrack.registry.urls")),
    path("followup/", include("disctrack.followup.urls")),
    path("s/", include("disctrack.surveys.urls")),
    path("", include("disctrack.surveys.staff_urls")),
    path("", include("disctrack.reports.urls")),
]
