"""Test settings: the real settings with a test key, fast hashing and no DEBUG."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-only-for-the-test-suite")
os.environ.setdefault("SECURE_COOKIES", "0")

from khuyencong.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
ALLOWED_HOSTS = ["*"]
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405

# WhiteNoise warns about a missing STATIC_ROOT, and warnings are errors in the suite.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# No persistent connections: the browser tests' live server must not hold one open when the
# test database is dropped (PostgreSQL refuses to drop a database in use).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# A replica that is the test database itself (Django's test mirror), so the routing of the
# report pages is tested (core/tests/test_routing.py); it reads only where a test turns
# REPLICA_READS on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
REPLICA_READS = False
