"""Django settings for Himoya. Everything configurable comes from the environment
through ``himoya.core.env`` (see ``.env.example``)."""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF

from himoya.core.env import (
    embedded_database,
    load_env,
    parse_database_url,
    refuse_public_debug,
)

ENV = load_env()
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = ENV.var_dir
HIMOYA_ENV = ENV.name
PRODUCTION = ENV.is_production

SECRET_KEY = ENV.secret("HIMOYA_SECRET_KEY")
HIMOYA_DATA_KEYS = ENV.secret("HIMOYA_DATA_KEYS")
HIMOYA_INDEX_KEY = ENV.secret("HIMOYA_INDEX_KEY")

DEBUG = ENV.flag("HIMOYA_DEBUG", default=HIMOYA_ENV == "development")
ALLOWED_HOSTS = ENV.items(
    "HIMOYA_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = ENV.items("HIMOYA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "himoya.core.admin_site.HimoyaAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: its `runserver` (refusing DEBUG on a public address) wins.
    "himoya.core",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "himoya.accounts",
    "himoya.search",
    "himoya.reference",
    "himoya.duty",
    "himoya.cases",
    "himoya.litigation",
    "himoya.documentation",
    "himoya.evidence",
    "himoya.letters",
    "himoya.outreach",
    "himoya.imports",
    "himoya.stats",
    "himoya.api",
    "himoya.public_site",
    # The content store of the public site (docs/architecture.md, "Public site"). No
    # wagtail.embeds: the public side loads nothing from another host.
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

MIDDLEWARE = [
    # First, so that no debug page (404 or 500) is ever rendered for another machine.
    "himoya.core.middleware.LoopbackDebugMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the access check, so that its refusals are no-store too.
    "himoya.core.middleware.SecurityHeadersMiddleware",
    # Outside the language middleware too: its redirects to /ru/... carry the headers.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "himoya.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "himoya.core.middleware.StaffAccessMiddleware",
    # After the access check: Wagtail's permission pages and others' story drafts.
    "himoya.public_site.cms_lockdown.CmsLockdownMiddleware",
    # After the access check: only a page the user may see can say it is damaged.
    "himoya.core.damage.DamagedRecordMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "himoya" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "himoya.core.context_processors.himoya",
            ],
        },
    }
]

if ENV.text("DATABASE_URL") or PRODUCTION:
    DATABASES = {"default": parse_database_url(ENV.text("DATABASE_URL"))}
else:
    # The embedded default: a project-local PostgreSQL in var/pg, started on first use.
    DATABASES = {"default": embedded_database(VAR_DIR, fast_unsafe=HIMOYA_ENV == "test")}
# A second connection to the same database, in autocommit, for job progress: a task
# that works inside one long transaction writes its progress here so that other
# processes see it before that transaction commits (himoya/core/progress.py).
_progress_options = dict(DATABASES["default"]["OPTIONS"])  # type: ignore[call-overload]
# A progress row locked by the task's own transaction would make this connection
# wait for its own process forever; it fails after five seconds instead.
_progress_options["options"] = f"{_progress_options.get('options', '')} -c lock_timeout=5000"
DATABASES["progress"] = {
    **DATABASES["default"],
    "OPTIONS": _progress_options,
    "TEST": {"MIRROR": "default"},
}
# The role that owns the tables, for `himoya migrate` only (himoya/core/db_roles.py);
# DATABASE_URL's role then may insert and read audit events but not change or remove them.
HIMOYA_MIGRATE_DATABASE = (
    parse_database_url(ENV.text("HIMOYA_MIGRATE_DATABASE_URL"))
    if ENV.text("HIMOYA_MIGRATE_DATABASE_URL")
    else None
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks live in the database (django-tasks-db) and run in `himoya worker`
# processes (docs/background-work.md).
TASKS = {
    "default": {
        "BACKEND": "himoya.core.tasks.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

CACHES = {
    # Shared between processes: TOTP codes already used and login rate limits live here.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "himoya_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if HIMOYA_ENV == "test":
    # Argon2 still, with test-sized cost so that hundreds of logins stay fast.
    PASSWORD_HASHERS = ["himoya.core.hashers.TestArgon2Hasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "staff:home"
# Signing out ends on the staff sign-in page (which says so), not on the public site.
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: staff accounts only, by invitation; no public sign-up.
ACCOUNT_ADAPTER = "himoya.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed logins count per account (5 lock that account for 15 minutes, wherever
    # they come from) and per address, separately: an office behind one NAT shares an
    # address, so its limit is higher; it still stops one address trying many accounts.
    "login_failed": "5/15m/key,20/10m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Himoya] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Himoya"
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_ADAPTER = "himoya.accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "himoya.accounts.mfa_forms.AuthenticateForm",
    "reauthenticate": "himoya.accounts.mfa_forms.ReauthenticateForm",
}
HIMOYA_TOTP_TEST_BYPASS = False

# Sessions: short and idle-bound; cookies Secure, HttpOnly, SameSite=Strict.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = ENV.integer("HIMOYA_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "himoya_session"
SESSION_COOKIE_SECURE = ENV.flag("HIMOYA_SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_NAME = "himoya_csrf"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_NAME = "himoya_language"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Strict"

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Trust X-Forwarded-Proto/-For only when a reverse proxy that sets them is in front.
HIMOYA_BEHIND_PROXY = ENV.flag("HIMOYA_BEHIND_PROXY", default=False)
# How many proxies of ours append to X-Forwarded-For: the client is that many hops from
# the right (himoya.core.context.client_ip). Read only behind a proxy; allauth's own
# reading of the header gets the same count.
HIMOYA_TRUSTED_PROXY_COUNT = ENV.integer(
    "HIMOYA_TRUSTED_PROXY_COUNT", 1 if HIMOYA_BEHIND_PROXY else 0
)
ALLAUTH_TRUSTED_PROXY_COUNT = HIMOYA_TRUSTED_PROXY_COUNT if HIMOYA_BEHIND_PROXY else 0
# Names this instance in signed audit checkpoints; Ed25519 seed that signs them (base64,
# 32 bytes; default: derived from HIMOYA_SECRET_KEY). See himoya/core/audit_head.py.
HIMOYA_INSTANCE = ENV.text("HIMOYA_INSTANCE", ALLOWED_HOSTS[0] if ALLOWED_HOSTS else "himoya")
HIMOYA_CHECKPOINT_KEY = ENV.text("HIMOYA_CHECKPOINT_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HIMOYA_BEHIND_PROXY else None
refuse_public_debug(debug=DEBUG, allowed_hosts=ALLOWED_HOSTS, behind_proxy=HIMOYA_BEHIND_PROXY)
SECURE_SSL_REDIRECT = ENV.flag("HIMOYA_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = ENV.integer("HIMOYA_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Languages: Russian by default; Kazakh, Tajik and English complete.
LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", "Русский"),
    ("kk", "Қазақ тілі"),
    ("tg", "Тоҷикӣ"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "himoya" / "locale"]
# How dates are shown in each language: one rule, explained in himoya/core/formats.
FORMAT_MODULE_PATH = ["himoya.core.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = ENV.text("HIMOYA_TIME_ZONE", "Asia/Almaty")

STATIC_URL = "/static/"
STATIC_ROOT = Path(ENV.text("HIMOYA_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(ENV.text("HIMOYA_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads are never served by URL: every download goes through a view that checks access.
MEDIA_URL = "/staff/files/"
# The public site's lesson videos and captions: published to anyone, so kept unencrypted,
# and therefore outside MEDIA_ROOT, where every file is encrypted (rotate-keys rewrites
# them all).
HIMOYA_PUBLIC_MEDIA_ROOT = Path(ENV.text("HIMOYA_PUBLIC_MEDIA_ROOT", str(VAR_DIR / "public-media")))
HIMOYA_MAX_UPLOAD_BYTES = ENV.integer("HIMOYA_MAX_UPLOAD_MB", 50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads stay in memory up to the upload limit and are refused beyond it, so plaintext
# never lands in a temporary file on disk before it is encrypted.
FILE_UPLOAD_MAX_MEMORY_SIZE = HIMOYA_MAX_UPLOAD_BYTES
FILE_UPLOAD_PERMISSIONS = 0o600
# Register imports: the file is read by a child process whose address space is capped
# (himoya/imports/tables.py), so a workbook built to exhaust memory ends only that process.
HIMOYA_IMPORT_READER_MEMORY_MB = ENV.integer("HIMOYA_IMPORT_READER_MEMORY_MB", 1024)
# Finished import jobs (their file name and report) are deleted after this many days
# (`himoya purge-import-jobs`).
HIMOYA_IMPORT_JOB_RETENTION_DAYS = ENV.integer("HIMOYA_IMPORT_JOB_RETENTION_DAYS", 30)
# Periodic jobs the workers enqueue (himoya/core/schedule.py, `himoya schedule`): changes
# to their timing, e.g. "cases.reminders=08:30,public_site.scheduled_pages=2m,x.y=off".
HIMOYA_SCHEDULE = ENV.items("HIMOYA_SCHEDULE", [])
# Error pages (DEBUG) and error e-mails show no settings, environment or locals of the
# encryption code, and no ciphertext anywhere.
DEFAULT_EXCEPTION_REPORTER_FILTER = "himoya.core.debug.SafeReporterFilter"
# The limit is enforced while an upload streams in, before anything reaches storage.
FILE_UPLOAD_HANDLERS = [
    "himoya.core.storage.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "himoya.core.storage.EncryptedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = ENV.text(
    "HIMOYA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = ENV.text("HIMOYA_EMAIL_HOST", "localhost")
EMAIL_PORT = ENV.integer("HIMOYA_EMAIL_PORT", 587)
EMAIL_HOST_USER = ENV.text("HIMOYA_EMAIL_USER")
EMAIL_HOST_PASSWORD = ENV.text("HIMOYA_EMAIL_PASSWORD")
EMAIL_USE_TLS = ENV.flag("HIMOYA_EMAIL_TLS", default=True)
DEFAULT_FROM_EMAIL = ENV.text("HIMOYA_FROM_EMAIL", "himoya@localhost")
# The staff site's address, for links in mails sent outside a request (reminders).
HIMOYA_BASE_URL = ENV.text("HIMOYA_BASE_URL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Logs carry ids and request ids, never personal data or message text.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_pii": {"()": "himoya.core.logging.NoPersonalDataFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_pii"],
        }
    },
    "root": {"handlers": ["console"], "level": ENV.text("HIMOYA_LOG_LEVEL", "INFO")},
    # Django's own defaults would otherwise stay in place: "django" with an unfiltered
    # console handler, and "django.server" with no handler and no propagation, so that
    # its 4xx/5xx lines reach Python's last-resort handler unfiltered.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"level": "ERROR"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

HIMOYA_STAFF_PREFIXES = ("/staff/", "/api/")
# Paths under the staff prefixes that answer without a completed login (deny by default).
HIMOYA_PUBLIC_STAFF_PATHS = (
    "/staff/accounts/login/",
    "/staff/accounts/password/reset/",
    "/staff/accounts/2fa/authenticate/",
    # allauth sends a deactivated account here after a correct password (static page).
    "/staff/accounts/inactive/",
    # Signing out needs no login: "Cancel" on the 2FA step posts here to drop the
    # half-done login; the POST still needs its CSRF token.
    "/staff/accounts/logout/",
    "/staff/invite/",
)
HIMOYA_MFA_SETUP_PATHS = (
    "/staff/accounts/2fa/",
    "/staff/accounts/logout/",
    "/staff/accounts/reauthenticate/",
)
# Requests per minute allowed to one API token (or one signed-in user).
HIMOYA_API_RATE_PER_MINUTE = ENV.integer("HIMOYA_API_RATE_PER_MINUTE", 300)
# Nothing under /api/ is public: the schema and the docs page describe the whole register,
# so they need a token or a signed-in session like the rest (himoya.api.entry).
HIMOYA_API_PUBLIC_PATHS: tuple[str, ...] = ()

# The public site (himoya/public_site, docs/architecture.md "Public site").
# Which organisation receives the help requests sent through the public form (its slug).
HIMOYA_PUBLIC_ORGANISATION = ENV.text("HIMOYA_PUBLIC_ORGANISATION", "" if PRODUCTION else "demo-kz")
# Spam protection of the help form: a form sent sooner than this after it was shown, or
# later than the second, is refused (signed time token); and a limit per client address
# (allauth's rate-limit syntax, per a keyed hash of the address).
HIMOYA_HELP_MIN_SECONDS = ENV.integer("HIMOYA_HELP_MIN_SECONDS", 3)
HIMOYA_HELP_MAX_SECONDS = ENV.integer("HIMOYA_HELP_MAX_SECONDS", 4 * 3600)
HIMOYA_HELP_RATE_LIMIT = ENV.text("HIMOYA_HELP_RATE_LIMIT", "5/10m/key,20/1d/key")
# Self-help letters (public_site/letters.py): each makes a PDF, so they are counted too.
HIMOYA_LETTER_RATE_LIMIT = ENV.text("HIMOYA_LETTER_RATE_LIMIT", "10/10m/key,40/1d/key")
# Wagtail: content in the four languages, its admin under /staff/cms/ behind the same
# login and two-factor check as every staff page (StaffAccessMiddleware).
WAGTAIL_SITE_NAME = "Himoya"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_BASE_URL = HIMOYA_BASE_URL or "http://localhost:8000"
WAGTAILADMIN_LOGIN_URL = "cms_login"  # a 403 for a signed-in user without a content role
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_USAGE_COUNT_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Documents are served by Wagtail's view from our (encrypted) storage, never by URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "rtf", "txt"]
