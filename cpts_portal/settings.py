"""Settings. Everything that differs between machines comes from the environment.

Embedded default (no variable set): SQLite and a filesystem Celery broker, so `make run`
needs no server. DATABASE_URL / REDIS_URL switch to PostgreSQL and Redis.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CPTS_VAR_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"

_DEV_SECRET = "dev-only-insecure-secret-key-not-for-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _DEV_SECRET
if PRODUCTION and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "cpts_portal.admin_app.PortalAdminConfig",  # django.contrib.admin, French selects
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",
    "django_tables2",
    "django_filters",
    "django_fsm",
    "axes",
    "csp",
    "cpts_portal",
    "audit",
    "outbox",
    "accounts",
    "territories",
    "projects",
    "funding",
    "reminders",
]

MIDDLEWARE = [
    # X-Forwarded-Proto only from a trusted proxy (SECURE_PROXY_SSL_HEADER below).
    "cpts_portal.middleware.UntrustedForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages for a signed-in person are never kept by a browser or a shared cache.
    "cpts_portal.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: throttles repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cpts_portal.urls"
WSGI_APPLICATION = "cpts_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cpts_portal.context_processors.site_config",
            ],
            # French dates for letters ("1er décembre 2026"), shared by every app's templates.
            "libraries": {"dates_fr": "common.dates_fr", "chrome": "common.chrome"},
        },
    },
]

# --- Form rendering (issue 16) ------------------------------------------------------------
# django-dsfr builds a form renderer, hence a template engine, for every form instance while
# FORM_RENDERER is Django's default: templates parsed and tag libraries found again at each
# request. Any other value makes its forms use Django's renderer, built once per process.
# The app's pages render the same; the admin's forms now take django-dsfr's markup for radio
# lists and error lists too (unstyled there, still labelled). It writes selects in Python
# (common/form_renderer.py): two templates per option cost more than the rest of a form.
FORM_RENDERER = "common.form_renderer.FormRenderer"
# --- End of form rendering -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Prepared statements: a page sends the same statements request after request, and
    # PostgreSQL spent four times longer planning them than running them (project page: 1.0 of
    # 1.2 ms). psycopg prepares a statement on a connection once it has run it
    # PG_PREPARE_THRESHOLD times, which needs server-side parameters. Behind a pooler that
    # does not keep sessions (PgBouncer in transaction mode), set PG_PREPARE_THRESHOLD="".
    _prepare = os.environ.get("PG_PREPARE_THRESHOLD", "5")
    if _prepare:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(_prepare)
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the person read with their organisation (one query, not two).
    "accounts.backends.ModelBackendWithOrganisation",
]
# Login throttling, for one hour: 5 failures lock a username at one address, and
# CPTS_LOGIN_FAILURES_PER_ADDRESS failures across usernames lock the address (password
# spraying); `accounts.throttling` holds both limits and the client address rule.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
CPTS_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("CPTS_LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.throttling.LoginThrottle"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing folder
# Uploaded files are private: never under STATIC_ROOT, served only by permission-checked views.
MEDIA_ROOT = Path(os.environ.get("CPTS_MEDIA_ROOT", VAR_DIR / "private-media"))

# --- Security ------------------------------------------------------------------------------
# Database sessions, read in plain SQL (accounts/sessions.py, issue 16).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = 8 * 3600  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # DSFR components and server-drawn SVG maps set inline style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Failures and edges (issue 17) --------------------------------------------------------
# Uploads: the cap is enforced while the body is received (common.uploads); other fields keep
# Django's 2.5 MB bound.
FILE_UPLOAD_HANDLERS = [
    "common.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
CSRF_FAILURE_VIEW = "cpts_portal.errors.csrf_failure"
# The orchestrator's probe speaks plain HTTP inside the stack: no redirect to https for it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Addresses of the reverse proxies whose X-Forwarded-For is believed (comma-separated); none by
# default: the client address is then the TCP peer's.
CPTS_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("DJANGO_TRUSTED_PROXIES", "").split(",") if p.strip()
]
# Sign-ups and invitations: at most this many per client address (and per person) and hour.
CPTS_SIGNUPS_PER_ADDRESS_PER_HOUR = int(os.environ.get("CPTS_SIGNUPS_PER_ADDRESS_PER_HOUR", "5"))
CPTS_INVITATIONS_PER_HOUR = int(os.environ.get("CPTS_INVITATIONS_PER_HOUR", "20"))
# Outbox: a failed delivery is retried after 30 s, then twice as long each time, 30 min at most;
# it is never dropped for a broker or mail server that is down.
OUTBOX_RETRY_BASE_SECONDS = 30
OUTBOX_RETRY_MAX_SECONDS = 30 * 60
# /healthz: the databases it queries, and how old beat's heartbeat (every minute) may be.
HEALTHZ_DATABASES = ["default"]
HEALTHZ_BEAT_MAX_AGE_SECONDS = int(os.environ.get("HEALTHZ_BEAT_MAX_AGE_SECONDS", "300"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request (and /healthz) instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# --- End of failures and edges ------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "ne-pas-repondre@cpts.local")

# --- Celery ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("CACHE_REDIS_URL", REDIS_URL),
            "KEY_PREFIX": "cpts",
        }
    }
else:
    # Works across processes on one host without any server (see README).
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # The folder is polled: every second (the default) lets a backlog of nudges hold back
        # the beat's tasks for minutes.
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = f"file://{_broker_dir / 'results'}"
    (_broker_dir / "results").mkdir(parents=True, exist_ok=True)

CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Task modules outside the autodiscovered `tasks.py` (mails, documents issued to the file).
CELERY_IMPORTS = ("projects.notifications", "projects.documents")
CELERY_BEAT_SCHEDULE = {
    # Idempotent sweep: every PS whose opposition deadline has passed becomes "réputé validé".
    "implicit-validation-sweep": {
        "task": "projects.tasks.sweep_implicit_validations",
        "schedule": crontab(minute="*/5"),
    },
    # Outbox: a heartbeat for /healthz, then the mails and tasks whose nudge was lost.
    "outbox-tick": {"task": "outbox.tasks.tick", "schedule": 60.0},
    # Contracts past their five years with no renewal signed: "ACI échu".
    "contract-end-sweep": {
        "task": "funding.tasks.sweep_ended_contracts",
        "schedule": crontab(hour=2, minute=30),
    },
    "deadline-reminders": {
        "task": "reminders.tasks.send_deadline_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}

# --- Business settings ---------------------------------------------------------------------
# domain.md §3: whether a deadline ending on a weekend or public holiday moves to the next
# working day is not settled for implicit decisions; off by default.
CPTS_EXTEND_DEADLINE_TO_WORKING_DAY = (
    os.environ.get("CPTS_EXTEND_DEADLINE_TO_WORKING_DAY", "0") == "1"
)
# Reminders are e-mailed this many days before each deadline.
CPTS_REMINDER_OFFSETS = [
    int(d) for d in os.environ.get("CPTS_REMINDER_OFFSETS", "30,7,1").split(",") if d.strip()
]
# Projects the implicit-validation sweep locks and commits at a time (one transaction each).
# Lists' filters offer "Tous" rather than django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = "Tous"
FILTERS_NULL_LABEL = "Non renseigné"

# What the legal pages say of the operator; empty values are shown "à compléter", never invented.
CPTS_LEGAL = {
    key: os.environ.get(f"CPTS_LEGAL_{key.upper()}", "")
    for key in ("publisher", "director", "host", "controller", "retention")
}
CPTS_IMPLICIT_SWEEP_BATCH_SIZE = int(os.environ.get("CPTS_IMPLICIT_SWEEP_BATCH_SIZE", "1000"))
# domain.md §6: each contract year is paid on the grid in force on its first day. No source
# says so: shown "à confirmer" on the contract pages until someone settles it (then "0").
FUNDING_YEAR_GRID_TO_CONFIRM = os.environ.get("FUNDING_YEAR_GRID_TO_CONFIRM", "1") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {  # chatty libraries
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Login: ProConnect, Pro Santé Connect, second factor (issue 18) ------------------------
# An OpenID Connect provider is on when its discovery URL and client id are set; its button
# shows on the login page only then. The README says how to register the portal with each.


def _oidc_provider(prefix: str, label: str, scopes: str, acr_values: str = "") -> dict:
    def env(name, default=""):
        return os.environ.get(f"{prefix}_{name}", default).strip()

    return {
        "label": label,
        "server_metadata_url": env("DISCOVERY_URL"),
        "client_id": env("CLIENT_ID"),
        "client_secret": env("CLIENT_SECRET"),
        "scope": env("SCOPES", scopes),
        "acr_values": env("ACR_VALUES", acr_values),
        # Empty: built from the request (set them when a proxy rewrites the host).
        "redirect_uri": env("REDIRECT_URI"),
        "post_logout_redirect_uri": env("POST_LOGOUT_REDIRECT_URI"),
    }


CPTS_OIDC_PROVIDERS = {
    name: provider
    for name, provider in {
        "proconnect": _oidc_provider(
            "PROCONNECT", "ProConnect", "openid email given_name usual_name siret"
        ),
        "psc": _oidc_provider("PSC", "Pro Santé Connect", "openid scope_all", "eidas1"),
    }.items()
    if provider["server_metadata_url"] and provider["client_id"]
}
# The Pro Santé Connect claim that carries the national professional identifier (RPPS/ADELI).
CPTS_PSC_ID_CLAIM = os.environ.get("PSC_ID_CLAIM", "SubjectNameID")
# Institution staff and administrators who log in with a password also enter a TOTP code.
# On in production unless turned off; off for `make run`'s demo (DJANGO_ENV unset).
CPTS_PASSWORD_2FA = os.environ.get("CPTS_PASSWORD_2FA", "1" if PRODUCTION else "0") == "1"
OTP_TOTP_ISSUER = "Portail CPTS"
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
_after_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_after_auth:_after_auth] = [
    "django_otp.middleware.OTPMiddleware",
    "accounts.second_factor.SecondFactorMiddleware",
]
# --- End of login settings ------------------------------------------------------------------
