"""Settings come from environment variables, once, and every error names its variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import DEFAULT_API_BASE_URL, ConfigError, Settings
from index.sources import FeedOptions

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_without_any_variable() -> None:
    settings = Settings.from_env({})
    assert settings.token is None
    assert settings.api_base_url == DEFAULT_API_BASE_URL
    assert settings.db_path == Path("data/naba.db") and settings.seeds_dir == Path("seeds")
    assert settings.admin_ids == frozenset() and settings.feeds == ()
    assert (settings.digest_check_seconds, settings.feed_poll_seconds) == (60, 900)
    assert settings.webhook_url is None and settings.questions_per_minute == 20


def test_values_are_parsed() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": " 123:abc ",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "NABA_ADMIN_IDS": "7, 42;9",
            "NABA_FEEDS": "https://a.example/rss, ,https://b.example/atom",
            "NABA_DB": "/tmp/x.db",
            "NABA_DIGEST_PACE_SECONDS": "0.5",
            "NABA_WEBHOOK_URL": "https://bot.example/hook",
            "NABA_WEBHOOK_SECRET": "abc_DEF-123" * 3,
            "NABA_LOG_LEVEL": "debug",
        }
    )
    assert settings.token == "123:abc"
    assert settings.admin_ids == frozenset({7, 42, 9})
    assert settings.feeds == ("https://a.example/rss", "https://b.example/atom")
    assert settings.db_path == Path("/tmp/x.db") and settings.digest_pace_seconds == 0.5
    assert settings.api_file_base_url == "http://127.0.0.1:8081/file/bot"
    assert settings.log_level == "DEBUG"


def test_the_token_and_secret_stay_out_of_repr() -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "123:SECRET", "NABA_WEBHOOK_SECRET": "s3"})
    assert "SECRET" not in repr(settings) and "s3" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"NABA_DIGEST_CHECK_SECONDS": "soon"}, "NABA_DIGEST_CHECK_SECONDS"),
        ({"NABA_DIGEST_CHECK_SECONDS": "0"}, "NABA_DIGEST_CHECK_SECONDS"),
        ({"NABA_DIGEST_PACE_SECONDS": "fast"}, "NABA_DIGEST_PACE_SECONDS"),
        ({"NABA_DIGEST_PACE_SECONDS": "-1"}, "NABA_DIGEST_PACE_SECONDS"),
        ({"NABA_ADMIN_IDS": "7,alice"}, "NABA_ADMIN_IDS"),
        ({"TELEGRAM_API_BASE_URL": "api.telegram.org/bot"}, "TELEGRAM_API_BASE_URL"),
        ({"NABA_WEBHOOK_URL": "http://bot.example/hook"}, "NABA_WEBHOOK_URL"),
        ({"NABA_WEBHOOK_SECRET": "has space"}, "NABA_WEBHOOK_SECRET"),
        # a webhook without a secret, or with a short one, lets anyone post admin updates
        ({"NABA_WEBHOOK_URL": "https://bot.example/hook"}, "NABA_WEBHOOK_SECRET"),
        ({"NABA_WEBHOOK_URL": "https://bot.example/hook", "NABA_WEBHOOK_SECRET": "s3cret"},
         "NABA_WEBHOOK_SECRET"),
        ({"NABA_WEBHOOK_SECRET": "ثلاثون_حرفا_عربيا_ليست_من_الأبجدية"}, "NABA_WEBHOOK_SECRET"),
        # without /bot the token is sent as a path segment and echoed in the 404
        ({"TELEGRAM_API_BASE_URL": "https://api.telegram.org/"}, "TELEGRAM_API_BASE_URL"),
        ({"NABA_LOG_LEVEL": "LOUD"}, "NABA_LOG_LEVEL"),
        ({"NABA_FEED_MAX_BYTES": "10"}, "NABA_FEED_MAX_BYTES"),
    ],
)
def test_errors_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env(env)


def test_the_webhook_listens_on_loopback_unless_told() -> None:
    assert Settings.from_env({}).webhook_listen == "127.0.0.1"
    env = {"NABA_WEBHOOK_LISTEN": "0.0.0.0"}
    assert Settings.from_env(env).webhook_listen == "0.0.0.0"


def test_feed_options_carry_the_feed_settings() -> None:
    options = Settings.from_env({
        "NABA_FEED_POLL_SECONDS": "120", "NABA_FEED_TIMEOUT_SECONDS": "2.5",
        "NABA_FEED_MAX_BYTES": "4096",
    }).feed_options
    assert (options.poll_seconds, options.timeout, options.max_bytes) == (120, 2.5, 4096)


def test_the_dataclass_defaults_are_what_no_variable_gives() -> None:
    """Each default is written once, in the field: from_env adds none of its own."""
    blank = Settings.from_env({})
    for name, default in Settings.defaults().items():
        value = getattr(blank, name)
        assert value == default and type(value) is type(default), name
    assert blank == Settings()


def test_feed_defaults_are_index_sources_own() -> None:
    options = FeedOptions()
    assert Settings().feed_options == options
    assert Settings.from_env({}).feed_options == options


def test_readme_table_lists_every_variable_with_its_default() -> None:
    """README's Configuration table: every variable bot/config.py reads, once each, and the
    default shown is the one the code has (setting the variable to it changes nothing)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| variable | default | meaning |", 1)[1].split("\n\n", 1)[0]
    shown: dict[str, str] = {}
    for row in table.strip().splitlines()[1:]:
        names, defaults = (cell.strip() for cell in row.strip("|").split("|")[:2])
        names = [n.strip(" `") for n in names.split(" / ")]
        defaults = [d.strip(" `") for d in defaults.split(" / ")]
        assert len(names) == len(defaults), row
        prefix = names[0].rsplit("_", 1)[0]
        for name, default in zip(names, defaults, strict=True):
            name = prefix + name if name.startswith("_") else name
            assert name not in shown, f"{name} twice in README's table"
            shown[name] = default
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r"\"((?:NABA|TELEGRAM)_[A-Z0-9_]+)\"", source))
    assert set(shown) == read, (sorted(set(shown) - read), sorted(read - set(shown)))
    for name, default in shown.items():
        if default != "—":
            assert Settings.from_env({name: default}) == Settings(), f"{name}: README {default}"


def test_database_url_picks_postgresql_and_stays_out_of_repr() -> None:
    url = "postgresql://naba:s3cret-pw@db.internal:5432/naba"
    settings = Settings.from_env({"NABA_DATABASE_URL": url})
    assert settings.store_target == url
    assert "s3cret-pw" not in repr(settings) and "s3cret-pw" not in settings.store_name
    assert settings.store_name == "NABA_DATABASE_URL=postgresql://naba:***@db.internal:5432/naba"
    assert Settings.from_env({}).store_target == "data/naba.db"
    with pytest.raises(ConfigError, match="NABA_DATABASE_URL") as caught:
        Settings.from_env({"NABA_DATABASE_URL": "naba:s3cret-pw@db/naba"})
    assert "s3cret-pw" not in str(caught.value)


def test_replicas_share_out_telegram_s_flood_limits() -> None:
    from bot.app import flood_limits

    settings = Settings.from_env({"NABA_REPLICAS": "3"})
    assert settings.replicas == 3
    assert flood_limits(settings.replicas) == {
        "overall_max_rate": pytest.approx(10), "group_max_rate": pytest.approx(20 / 3)
    }
    assert flood_limits(Settings().replicas) == {"overall_max_rate": 30, "group_max_rate": 20}
    with pytest.raises(ConfigError, match="NABA_REPLICAS"):
        Settings.from_env({"NABA_REPLICAS": "0"})
