"""Settings for running `disctrack demo` in a subprocess during the tests: cheap hashing."""

from tests.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
