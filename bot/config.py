"""Settings: environment variables, read once into a frozen dataclass. Every error names the
variable. `.env.example` lists them all; README explains each."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from index.sources import FeedOptions
from index.store import is_postgres_url, redacted_url
from index.store.prewarm import DEFAULT_LIMIT_MB

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _number(
    env: Mapping[str, str], name: str, default: float, minimum: float, kind: type
) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    return _number(env, name, default, minimum, int)


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    return _number(env, name, default, minimum, float)


def _ids(env: Mapping[str, str], name: str) -> frozenset[int]:
    raw = env.get(name, "")
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(f"{name} must be comma-separated user ids, got {part!r}") from None
    return frozenset(ids)


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in env.get(name, "").split(",") if p.strip())


# Telegram accepts 1–256 characters; 32 of a random alphabet of 64 is 192 bits.
MIN_SECRET_CHARS = 32

# The feed defaults are index.sources' own; Settings only names them as variables.
_FEED_DEFAULTS = FeedOptions()


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)  # never printed, never logged
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = Path("data/naba.db")
    # PostgreSQL instead of the SQLite file, for several processes or machines; may hold a
    # password, so never printed
    database_url: str | None = field(default=None, repr=False)
    seeds_dir: Path = Path("seeds")
    # Where the index is saved to start fast (index.snapshot): "" is next to NABA_DB (also with
    # PostgreSQL, whose snapshot is named after the database), "off" is nowhere
    index_dir: str = ""
    admin_ids: frozenset[int] = frozenset()
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    digest_check_seconds: int = 60
    digest_pace_seconds: float = 0.05
    feeds: tuple[str, ...] = ()
    feed_poll_seconds: int = int(_FEED_DEFAULTS.poll_seconds)
    feed_timeout_seconds: float = float(_FEED_DEFAULTS.timeout)
    feed_max_bytes: int = _FEED_DEFAULTS.max_bytes
    seeds_rescan_seconds: int = 300
    refresh_seconds: float = 1.0
    # A lease (scheduler leader, a digest fan-out, a feed poll) outlives a dead holder by this
    # long: the bound on how soon another process takes the work over.
    lease_seconds: float = 30.0
    # How many bot processes share the token: each sends at most 1/replicas of Telegram's
    # ~30 messages a second (and 20 a minute per group), so together they stay under it.
    replicas: int = 1
    questions_per_minute: int = 20
    # A question within this many minutes of the chat's last answer is first asked of the
    # articles that answer showed (a follow-up: «وين هربوا القادة؟» after «شو صار بدرعا؟»),
    # kept in the store for every replica; 0 turns follow-ups off
    follow_minutes: float = 15.0
    # Processes that analyse ingested articles beside the bot (index.workers): 0 analyses in
    # a thread, whose pure-Python work then holds up the questions asked meanwhile
    analysis_workers: int = 1
    # How much of the SQLite file is read into the OS cache after a start, so that the first
    # questions do not read their passages from disk (index.store.prewarm); 0 turns it off
    prewarm_mb: int = DEFAULT_LIMIT_MB
    log_level: str = "INFO"

    @property
    def feed_options(self) -> FeedOptions:
        """The feed settings in the form index.sources takes them."""
        return FeedOptions(
            poll_seconds=self.feed_poll_seconds,
            timeout=self.feed_timeout_seconds,
            max_bytes=self.feed_max_bytes,
        )

    @property
    def store_target(self) -> str:
        """What Store.open takes: NABA_DATABASE_URL when set, else the NABA_DB file."""
        return self.database_url or str(self.db_path)

    @property
    def index_folder(self) -> Path | None:
        """The folder of index snapshots, or None when NABA_INDEX_DIR is off."""
        if self.index_dir.lower() == "off":
            return None
        return Path(self.index_dir) if self.index_dir else Path(f"{self.db_path}.index")

    @property
    def store_name(self) -> str:
        """The store as messages name it: the variable, and the file or the URL's host."""
        if self.database_url:
            return f"NABA_DATABASE_URL={redacted_url(self.database_url)}"
        return f"NABA_DB={self.db_path}"

    @property
    def api_file_base_url(self) -> str:
        """PTB's base_file_url for the same server (…/bot → …/file/bot)."""
        base = self.api_base_url
        return base[: -len("bot")] + "file/bot" if base.endswith("/bot") else base

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Each field's default, as written once in the fields above."""
        return {f.name: f.default for f in fields(cls)}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Every variable unset or blank takes the field's default; see `.env.example`."""
        env = os.environ if env is None else env
        default = cls.defaults()

        def text(name: str, key: str) -> Any:
            return env.get(name, "").strip() or default[key]

        token = text("TELEGRAM_BOT_TOKEN", "token")
        base = text("TELEGRAM_API_BASE_URL", "api_base_url")
        if not base.startswith(("http://", "https://")):
            raise ConfigError(
                f"TELEGRAM_API_BASE_URL must start with http:// or https://, got {base!r}"
            )
        if not base.rstrip("/").endswith("/bot"):
            # PTB appends the token to this URL: without /bot, requests go to …/<token>/getMe,
            # a 404 whose error message carries the token.
            raise ConfigError(
                f"TELEGRAM_API_BASE_URL must end with /bot (as {DEFAULT_API_BASE_URL} does), "
                f"got {base!r}"
            )
        base = base.rstrip("/")
        webhook = text("NABA_WEBHOOK_URL", "webhook_url")
        secret = text("NABA_WEBHOOK_SECRET", "webhook_secret")
        if webhook and not webhook.startswith("https://"):
            raise ConfigError("NABA_WEBHOOK_URL must be an https:// URL (Telegram requires it)")
        if secret and not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret):
            raise ConfigError("NABA_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and -")
        if webhook and (secret is None or len(secret) < MIN_SECRET_CHARS):
            # Without it anyone who finds the URL can post updates "from" an admin.
            raise ConfigError(
                f"NABA_WEBHOOK_SECRET must be set, at least {MIN_SECRET_CHARS} characters of "
                "A-Z a-z 0-9 _ -, when NABA_WEBHOOK_URL is set; make one with: python -c "
                "'import secrets; print(secrets.token_urlsafe(32))'"
            )
        database_url = text("NABA_DATABASE_URL", "database_url")
        scheme = database_url.split("://", 1)[0] if database_url and "://" in database_url else ""
        if database_url and not is_postgres_url(database_url):
            raise ConfigError(
                "NABA_DATABASE_URL must be a postgresql:// URL (leave it empty for the SQLite "
                f"file NABA_DB), got a URL of scheme {scheme!r}"
            )
        level = text("NABA_LOG_LEVEL", "log_level").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(
                f"NABA_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}"
            )
        return cls(
            token=token,
            api_base_url=base,
            db_path=Path(text("NABA_DB", "db_path")),
            database_url=database_url,
            seeds_dir=Path(text("NABA_SEEDS", "seeds_dir")),
            index_dir=text("NABA_INDEX_DIR", "index_dir"),
            admin_ids=_ids(env, "NABA_ADMIN_IDS"),
            webhook_url=webhook,
            webhook_secret=secret,
            webhook_listen=text("NABA_WEBHOOK_LISTEN", "webhook_listen"),
            webhook_port=_int(env, "NABA_WEBHOOK_PORT", default["webhook_port"], 1),
            digest_check_seconds=_int(
                env, "NABA_DIGEST_CHECK_SECONDS", default["digest_check_seconds"], 1
            ),
            digest_pace_seconds=_float(
                env, "NABA_DIGEST_PACE_SECONDS", default["digest_pace_seconds"]
            ),
            feeds=_list(env, "NABA_FEEDS"),
            feed_poll_seconds=_int(env, "NABA_FEED_POLL_SECONDS", default["feed_poll_seconds"], 1),
            feed_timeout_seconds=_float(
                env, "NABA_FEED_TIMEOUT_SECONDS", default["feed_timeout_seconds"], 0.1
            ),
            feed_max_bytes=_int(env, "NABA_FEED_MAX_BYTES", default["feed_max_bytes"], 1024),
            seeds_rescan_seconds=_int(
                env, "NABA_SEEDS_RESCAN_SECONDS", default["seeds_rescan_seconds"], 1
            ),
            lease_seconds=_float(env, "NABA_LEASE_SECONDS", default["lease_seconds"], 1.0),
            replicas=_int(env, "NABA_REPLICAS", default["replicas"], 1),
            refresh_seconds=_float(env, "NABA_REFRESH_SECONDS", default["refresh_seconds"], 0.05),
            analysis_workers=_int(env, "NABA_ANALYSIS_WORKERS", default["analysis_workers"], 0),
            prewarm_mb=_int(env, "NABA_PREWARM_MB", default["prewarm_mb"], 0),
            questions_per_minute=_int(
                env, "NABA_QUESTIONS_PER_MINUTE", default["questions_per_minute"], 1
            ),
            follow_minutes=_float(env, "NABA_FOLLOW_MINUTES", default["follow_minutes"], 0.0),
            log_level=level,
        )
