"""Django settings for DiscTrack, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import os

from disctrack import config
from disctrack.core import proxies

HOME = config.home_dir()
SECRET_KEY = config.secret_key(HOME)
# Former keys, while rotating: links they signed and audit entries they chained still verify.
SECRET_KEY_FALLBACKS = [key.strip() for key in os.environ.get("DISCTRACK_SECRET_KEY_FALLBACKS", "").split(",")
                        if key.strip()]
DEBUG = config.env_bool("DISCTRACK_DEBUG", False)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DISCTRACK_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]
BASE_URL = os.environ.get("DISCTRACK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL.startswith("http") else []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "disctrack.core",
    "disctrack.registry",
    "disctrack.followup",
    "disctrack.surveys",
    "disctrack.reports",
    "disctrack.interop",
    "disctrack.demo",
    "disctrack.apps.WiringConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "disctrack.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "disctrack.core.sessions.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "disctrack.urls"
WSGI_APPLICATION = "disctrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "disctrack.core.context.navigation",
                "disctrack.registry.context.staff_memberships",
            ],
        },
    }
]

DATABASES = {"default": config.database_config(HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "patient-list"
LOGOUT_REDIRECT_URL = "login"

# Staff sessions end after DISCTRACK_SESSION_MINUTES of inactivity and when the browser closes.
SESSION_COOKIE_AGE = 60 * config.env_int("DISCTRACK_SESSION_MINUTES", 30, minimum=1)
# Renewed at most once a minute (core/sessions.py), not written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
HTTPS = BASE_URL.startswith("https://")
SECURE_COOKIES = config.env_bool("DISCTRACK_SECURE_COOKIES", HTTPS)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
# With an https base address: HSTS, and plain-http requests redirected (behind a proxy that
# ends TLS, declare it in DISCTRACK_TRUSTED_PROXIES so that its requests count as https).
SECURE_HSTS_SECONDS = config.env_int("DISCTRACK_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool("DISCTRACK_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = config.env_bool("DISCTRACK_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = config.env_bool("DISCTRACK_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's plain-http health probe
# Requests larger than this are refused before they are read (core.security).
MAX_REQUEST_BYTES = 1_000_000 * config.env_int("DISCTRACK_MAX_REQUEST_MB", 10, minimum=1)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGIN_FAILURE_LIMIT = config.env_int("DISCTRACK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
# Failed log-ins are also counted per client address, with a higher limit: a clinic's staff
# often share one public address.
LOGIN_ADDRESS_FAILURE_LIMIT = config.env_int("DISCTRACK_LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
# The operator's reverse proxies (addresses or networks): only from them is X-Forwarded-For
# believed for the client's address, and X-Forwarded-Proto for https (see `serve`).
try:
    TRUSTED_PROXIES = proxies.parse_networks("DISCTRACK_TRUSTED_PROXIES",
                                             os.environ.get("DISCTRACK_TRUSTED_PROXIES", ""))
except ValueError as exc:
    raise config.ConfigError(str(exc)) from None
LOGIN_LOCKOUT_MINUTES = config.env_int("DISCTRACK_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
SURVEY_LINK_DAYS = config.env_int("DISCTRACK_SURVEY_LINK_DAYS", 45, minimum=1)
# Pages serve the last stored report while a thread computes the current one (see reports.service).
REPORTS_IN_BACKGROUND = config.env_bool("DISCTRACK_REPORTS_IN_BACKGROUND", True)
SURVEY_GUESS_LIMIT = config.env_int("DISCTRACK_SURVEY_GUESS_LIMIT", 20, minimum=1)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LOCALE_PATHS = [os.path.join(os.path.dirname(__file__), "locale")]

STATIC_URL = "/static/"
STATIC_ROOT = str(HOME / "static")
(HOME / "static").mkdir(exist_ok=True)  # WhiteNoise expects the folder even when empty
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

_email = config.email_config(HOME)
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_FILE_PATH = _email.file_path
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DISCTRACK_FROM_EMAIL", "DiscTrack <no-reply@disctrack.invalid>")

SMS_URL = os.environ.get("DISCTRACK_SMS_URL", "file:")

# Survey and opt-out tokens, and API bearer tokens, are masked in every log record and error
# report (disctrack.core.redact); `serve` masks gunicorn's access log the same way.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secrets": {"()": "disctrack.core.redact.MaskSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DISCTRACK_LOG_LEVEL", "WARNING")},
    # Django's own handlers would print unmasked "Not Found: /s/..." lines: send its records
    # to ours instead.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
DEFAULT_EXCEPTION_REPORTER = "disctrack.core.redact.RedactingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "disctrack.core.redact.RedactingReporterFilter"
