"""Settings read from the environment (README.md, "Configuration", lists them)."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret_key() -> str:
    """Generate a secret once per checkout so sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def _environment() -> str:
    return os.environ.get("APP_ENV") or os.environ.get("FLASK_ENV") or "development"


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'chohtx.sqlite'}"
    )
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE_DIR / "search"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # SMTP when set, else the file outbox
    # A mail provider wants a login over an encrypted connection: STARTTLS on the submission
    # port (MAIL_USE_TLS, 587) or TLS from the first byte (MAIL_USE_SSL, 465).
    MAIL_USE_TLS = _flag("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _flag("MAIL_USE_SSL", False)
    MAIL_PORT = int(
        os.environ.get("MAIL_PORT") or (465 if MAIL_USE_SSL else 587 if MAIL_USE_TLS else 25)
    )
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS", "10"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Chợ HTX <no-reply@chohtx.vn>")
    # Where the site is served, for links in mail sent outside a request (CLI commands, jobs).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    REDIS_URL = os.environ.get("REDIS_URL")
    # With Redis: page cache, rate-limit counters and background jobs are shared by workers.
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "chohtx:")
    # Off only for load tests, whose thousands of "visitors" share one address.
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = (
        os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    )
    # Redis down: each process counts in its own memory (Flask-Limiter logs "falling back to
    # in-memory storage") and goes back to Redis once it answers; a storage error never turns
    # a sign-in into a 500. A hung Redis is given one second.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 1, "socket_connect_timeout": 1}
    JOBS_IN_BACKGROUND = _flag("JOBS_IN_BACKGROUND", True)
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")  # or "postgres"
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")
    # Each try at Stripe (two retries with the same idempotency key follow a failed one).
    STRIPE_TIMEOUT_SECONDS = float(os.environ.get("STRIPE_TIMEOUT_SECONDS", "15"))
    COMMISSION_BPS = int(os.environ.get("COMMISSION_BPS", "800"))
    # Payouts: days after delivery before a sale is payable, the smallest payout (a shop may
    # set its own), and where `flask payouts run` writes the bank batch files.
    RETURN_WINDOW_DAYS = int(os.environ.get("RETURN_WINDOW_DAYS", "7"))
    PAYOUT_MINIMUM_VND = int(os.environ.get("PAYOUT_MINIMUM_VND", "50000"))
    PAYOUT_BATCH_DIR = os.environ.get("PAYOUT_BATCH_DIR", str(INSTANCE_DIR / "payouts"))
    # Orders: the marketplace account that VietQR transfers go to (the option is hidden
    # without it), how long unpaid card/transfer orders hold their stock, default shipping.
    VIETQR_BANK_BIN = os.environ.get("VIETQR_BANK_BIN")
    VIETQR_ACCOUNT_NO = os.environ.get("VIETQR_ACCOUNT_NO")
    VIETQR_ACCOUNT_NAME = os.environ.get("VIETQR_ACCOUNT_NAME", "")
    VIETQR_DEMO_ACCOUNT = False  # True: the account is DEMO_VIETQR, and the page says so
    CARD_PAYMENT_TIMEOUT_MINUTES = int(os.environ.get("CARD_PAYMENT_TIMEOUT_MINUTES", "60"))
    BANK_TRANSFER_TIMEOUT_MINUTES = int(os.environ.get("BANK_TRANSFER_TIMEOUT_MINUTES", "2880"))
    SHIPPING_FEE_VND = int(os.environ.get("SHIPPING_FEE_VND", "30000"))
    FREE_SHIPPING_ABOVE_VND = int(os.environ.get("FREE_SHIPPING_ABOVE_VND", "500000"))
    # Which staff listings skip the moderation queue: "off" (none), "verified" (those of
    # verified shops) or "trusted" (verified shops with no refusal among their last
    # AUTO_APPROVE_RECENT_LISTINGS listings).
    AUTO_APPROVE_POLICY = os.environ.get("AUTO_APPROVE_POLICY", "verified")
    AUTO_APPROVE_RECENT_LISTINGS = int(os.environ.get("AUTO_APPROVE_RECENT_LISTINGS", "10"))
    # Registration papers of cooperatives: private, never served from the public uploads.
    DOCUMENT_DIR = os.environ.get("DOCUMENT_DIR", str(INSTANCE_DIR / "documents"))
    MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
    REVIEW_EDIT_DAYS = 30
    # The operator of the trading floor, shown in every page's footer and in the operating
    # rules (filled for the demo; a real operator sets its own).
    OPERATOR_LEGAL_NAME = os.environ.get(
        "OPERATOR_LEGAL_NAME", "Liên minh Hợp tác xã tỉnh Đắk Lắk (demo)"
    )
    OPERATOR_ADDRESS = os.environ.get(
        "OPERATOR_ADDRESS", "01 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk"
    )
    OPERATOR_TAX_CODE = os.environ.get("OPERATOR_TAX_CODE", "6000000000")
    OPERATOR_PHONE = os.environ.get("OPERATOR_PHONE", "0262 3000 000")
    OPERATOR_EMAIL = os.environ.get("OPERATOR_EMAIL", "hotro@chohtx.vn")
    FLOOR_REGISTRATION_NO = os.environ.get("FLOOR_REGISTRATION_NO", "DEMO-0000/TMĐT")
    FLOOR_REGISTRATION_URL = os.environ.get("FLOOR_REGISTRATION_URL", "https://online.gov.vn/")
    # Policies: the shortest notice between announcing a new version and its effective date.
    POLICY_NOTICE_DAYS = int(os.environ.get("POLICY_NOTICE_DAYS", "5"))
    # Personal data: the time to answer a person's request, the time to notify the authority
    # of an incident, and how long sensitive scans are kept once no longer needed.
    DATA_REQUEST_DEADLINE_HOURS = int(os.environ.get("DATA_REQUEST_DEADLINE_HOURS", "72"))
    DATA_INCIDENT_NOTIFY_HOURS = int(os.environ.get("DATA_INCIDENT_NOTIFY_HOURS", "72"))
    SENSITIVE_DOCUMENT_RETENTION_DAYS = int(
        os.environ.get("SENSITIVE_DOCUMENT_RETENTION_DAYS", "365")
    )
    LANGUAGES = ("vi", "en")
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    MAX_CONTENT_LENGTH = 40 * 1024 * 1024  # a whole product form with 8 images
    MAX_IMAGE_BYTES = 8 * 1024 * 1024
    MAX_IMAGE_PIXELS = 40_000_000
    MAX_PRODUCT_IMAGES = 8
    PER_PAGE = 24
    PAGE_CACHE = _flag("PAGE_CACHE", True)
    PAGE_CACHE_SECONDS = 10
    PAGE_CACHE_ENTRIES = 1000
    # A connection the database dropped (a restart) is noticed and replaced at checkout.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Told to clients (Retry-After) when the database or the search index is unavailable.
    UNAVAILABLE_RETRY_AFTER_SECONDS = 5
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PASSWORD_RESET_MAX_AGE = 3600
    # Rate limits per client address (Flask-Limiter syntax). The storage is per process
    # unless RATELIMIT_STORAGE_URI points at a shared store.
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host. 0 trusts
    # none: behind a proxy every client would share its address (and its rate limits).
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_REGISTER = "5 per minute;30 per hour"
    RATELIMIT_PASSWORD_RESET = "5 per minute;30 per hour"
    RATELIMIT_SEARCH_API = "120 per minute"
    RATELIMIT_SUGGEST_API = "300 per minute"
    RATELIMIT_REPORT = "5 per minute;20 per day"


# `make run` offers bank transfer out of the box, to an account that is not real; the
# transfer box says so. Only development gets it: production has no account unless set.
DEMO_VIETQR = {
    "VIETQR_BANK_BIN": "970436",  # Vietcombank
    "VIETQR_ACCOUNT_NO": "0000000000",
    "VIETQR_ACCOUNT_NAME": "CHO HTX DEMO",
}


class DevelopmentConfig(Config):
    if not (Config.VIETQR_BANK_BIN or Config.VIETQR_ACCOUNT_NO):
        VIETQR_BANK_BIN = DEMO_VIETQR["VIETQR_BANK_BIN"]
        VIETQR_ACCOUNT_NO = DEMO_VIETQR["VIETQR_ACCOUNT_NO"]
        VIETQR_ACCOUNT_NAME = DEMO_VIETQR["VIETQR_ACCOUNT_NAME"]
        VIETQR_DEMO_ACCOUNT = True


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"
    AUTO_APPROVE_POLICY = "verified"


class ProductionConfig(Config):
    ENV_NAME = "production"
    AUTO_APPROVE_POLICY = os.environ.get("AUTO_APPROVE_POLICY", "off")
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PREFERRED_URL_SCHEME = "https"


def config_from_environment() -> type[Config]:
    """The settings class APP_ENV (or FLASK_ENV) names: production, testing (the test suite
    sets it) or, by default, development."""
    if _environment() == "testing":
        return TestingConfig
    if _environment() == "production":
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set when APP_ENV=production.")
        return ProductionConfig
    if not DevelopmentConfig.SECRET_KEY:
        DevelopmentConfig.SECRET_KEY = _development_secret_key()
    return DevelopmentConfig
