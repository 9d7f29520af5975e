"""WSGI entry point used by `disctrack serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disctrack.settings")
application = get_wsgi_application()
