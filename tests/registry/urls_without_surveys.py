"""The project's URL map without the survey app, as while it is not installed or not written."""

from disctrack import urls as project


def _is_survey_app(pattern) -> bool:
    return getattr(getattr(pattern, "urlconf_name", None), "__name__", "").startswith("disctrack.surveys.")


urlpatterns = [pattern for pattern in project.urlpatterns if not _is_survey_app(pattern)]
