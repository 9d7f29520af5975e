"""Settings for the test suite: a throw-away DISCTRACK_HOME and in-memory e-mail."""

import os
import tempfile

os.environ.setdefault("DISCTRACK_HOME", tempfile.mkdtemp(prefix="disctrack-test-"))
os.environ.setdefault("DISCTRACK_EMAIL_URL", "console:")
os.environ.setdefault("DISCTRACK_BASE_URL", "http://testserver")

from disctrack.settings import *  # noqa: E402,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests compute reports in the request; tests/reports/test_freshness.py covers the background path.
REPORTS_IN_BACKGROUND = False
