"""The Docker image, checked without Docker (no engine runs on the build machines): the
Dockerfile, .dockerignore and .env.example are parsed and held to what the bot reads.

`docker run --env-file .env` puts every variable set in .env over the image's ENV, so the
example must leave the image's paths alone; and when NABA_DB cannot be written anyway, naba
says so in one line naming the variable (run here as a real process, as root or not).

compose.yaml (PostgreSQL, two webhook replicas, Caddy in front) is checked the same way: its
services, their settings, and the Caddyfile routing to every replica."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
import yaml

from bot.cli import _parser
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "compose.yaml"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
TIMEOUT = 60


@dataclass(frozen=True)
class Instruction:
    name: str  # upper case: ENV, RUN, COPY…
    args: str  # the rest, continuation lines joined


def instructions() -> list[Instruction]:
    """The Dockerfile's instructions in order, comments dropped, `\\` continuations joined."""
    out: list[Instruction] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        name, _, args = (pending + line).partition(" ")
        out.append(Instruction(name.upper(), args.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return out


def of(name: str) -> list[Instruction]:
    return [i for i in instructions() if i.name == name]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for inst in of("ENV"):
        for pair in shlex.split(inst.args):
            key, sep, value = pair.partition("=")
            assert sep, f"ENV {inst.args!r}: use the KEY=value form"
            env[key] = value
    return env


def json_or_words(args: str) -> list[str]:
    return json.loads(args) if args.startswith("[") else args.split()


def workdir_at(index: int) -> PurePosixPath:
    folder = PurePosixPath("/")
    for inst in instructions()[:index]:
        if inst.name == "WORKDIR":
            folder = folder / inst.args
    return folder


def runtime_user() -> str:
    users = of("USER")
    assert users, "the Dockerfile sets no USER: the bot would run as root"
    return users[-1].args.split(":")[0]


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(variables set, variables shown commented out) in .env.example, with their values."""
    set_, shown = {}, {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line.strip()):
            set_[match[1]] = match[2]
        elif match := re.fullmatch(r"#\s*([A-Z][A-Z0-9_]*)=(.*)", line.strip()):
            shown[match[1]] = match[2]
    return set_, shown


def settings_variables() -> set[str]:
    """Every variable bot/config.py names: the ones Settings.from_env reads."""
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    return set(re.findall(r"\"((?:NABA|TELEGRAM)_[A-Z0-9_]+)\"", source))


def compose_variables() -> set[str]:
    """The variables compose.yaml takes from .env by interpolation (${NAME…})."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text(encoding="utf-8")))


def test_the_bot_runs_as_a_user_the_image_creates_not_root() -> None:
    user = runtime_user()
    assert user not in ("root", "0")
    created = [i.args for i in of("RUN") if re.search(rf"\buseradd\b.*\b{user}\b", i.args)]
    assert created, f"USER {user} is never created"
    uid = re.search(r"--uid\s+(\d+)", created[0])
    assert uid is None or int(uid[1]) != 0


def test_the_database_folder_is_a_volume_owned_by_that_user() -> None:
    db = PurePosixPath(image_env()["NABA_DB"])
    assert db.is_absolute(), f"NABA_DB={db} would depend on WORKDIR, which root owns"
    steps = instructions()
    volumes = [
        (n, PurePosixPath(v))
        for n, inst in enumerate(steps)
        if inst.name == "VOLUME"
        for v in json_or_words(inst.args)
    ]
    declared = [n for n, folder in volumes if folder == db.parent]
    assert declared, f"NABA_DB's folder {db.parent} is not a VOLUME"
    user = runtime_user()
    owned = [
        n
        for n, inst in enumerate(steps)
        if inst.name == "RUN"
        and re.search(rf"\bchown\s+(-\S+\s+)*{user}(:\S+)?\s+(\S+\s+)*{db.parent}(\s|$|;|&)",
                      inst.args)
    ]
    # Docker drops what a RUN changes inside a volume once it is declared.
    assert owned and min(owned) < declared[0], f"{db.parent} is not chowned to {user} first"
    # Nothing else the bot writes lies under the folder root keeps (WORKDIR).
    assert not str(db).startswith(str(workdir_at(len(steps))) + "/")


def test_the_seeds_folder_is_the_one_copied_in() -> None:
    seeds = PurePosixPath(image_env()["NABA_SEEDS"])
    steps = instructions()
    copied = {}
    for n, inst in enumerate(steps):
        if inst.name == "COPY" and not inst.args.startswith("--from"):
            *sources, dest = json_or_words(inst.args)
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file in the repo"
            target = workdir_at(n) / dest
            if len(sources) == 1 and (ROOT / sources[0]).is_dir():
                copied[target] = ROOT / sources[0]
    assert seeds in copied, f"NABA_SEEDS={seeds} is not a folder the Dockerfile copies"
    assert any(p.suffix in (".txt", ".md", ".json") for p in copied[seeds].iterdir())


def test_the_command_indexes_then_runs_the_bot() -> None:
    (cmd,) = of("CMD")
    assert cmd.args.startswith("["), "CMD in exec form, so signals reach the process"
    line = " ".join(json.loads(cmd.args))
    commands = re.findall(r"python -m bot(?: (\w+))?", line)
    assert commands and commands[-1] == "run", line
    assert "exec python -m bot run" in line, "the bot must replace the shell (PID 1, SIGTERM)"
    for command in commands:
        _parser().parse_args([command] if command else [])


def test_the_image_paths_are_valid_settings() -> None:
    settings = Settings.from_env(image_env())
    assert settings.db_path.is_absolute() and settings.seeds_dir.is_absolute()
    assert settings.webhook_listen == "0.0.0.0"  # reachable through -p from outside


def test_env_example_lists_exactly_the_variables_settings_reads() -> None:
    set_, shown = env_example()
    listed = set(set_) | set(shown)
    expected = settings_variables() | compose_variables()
    assert listed == expected, (
        f"only in .env.example: {sorted(listed - expected)}; "
        f"never in it: {sorted(expected - listed)}"
    )
    assert not set(set_) & set(shown), "a variable both set and shown commented out"


def test_env_example_leaves_the_image_paths_alone() -> None:
    """`docker run --env-file .env` with the example copied as is: the image's NABA_DB (on the
    volume) and NABA_SEEDS stay, as does its NABA_WEBHOOK_LISTEN. A variable set even to ""
    would count: blank means the default, data/naba.db under root's /app."""
    set_, _ = env_example()
    image = image_env()
    overridden = {k for k in set_ if k in image}
    assert not overridden, f".env.example sets {sorted(overridden)}, which the image sets"
    run = Settings.from_env({**image, **set_})
    assert run == Settings.from_env(image)
    assert str(run.db_path) == image["NABA_DB"] and str(run.seeds_dir) == image["NABA_SEEDS"]


def test_env_example_only_blanks_to_fill_in_and_commented_defaults() -> None:
    set_, shown = env_example()
    filled = {k: v for k, v in set_.items() if v}
    assert not filled, f"set, not left blank or commented out: {filled}"
    for name, value in shown.items():
        assert Settings.from_env({name: value}) == Settings.from_env({}), (
            f".env.example shows {name}={value}, which is not the default"
        )


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_build() -> None:
    ignored = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", "data", "*.db", ".venv"} <= ignored
    for inst in of("COPY"):
        for source in json_or_words(inst.args)[:-1]:
            assert source not in ignored, f"COPY {source}, which .dockerignore leaves out"


@pytest.mark.parametrize(
    "args", [("ask", "متى تحررت درعا؟"), ("index",), ("console",)], ids=lambda a: a[0]
)
def test_an_unwritable_db_path_stops_with_one_line_naming_the_variable(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """What the image did with `.env.example`: NABA_DB=data/naba.db where `data` cannot be
    made. A regular file named `data` stands in for root's /app, so the test holds for root
    too (chmod does not stop root)."""
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if "proxy" not in k.lower() and not k.startswith("NABA_") and k != "TELEGRAM_BOT_TOKEN"
    }
    env.update(NABA_DB="data/naba.db", NABA_SEEDS=str(ROOT / "seeds"), PYTHONPATH=str(ROOT),
               PYTHONIOENCODING="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env, input="",
        capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT,
    )
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "NABA_DB=data/naba.db" in lines[0] and "لا أستطيع الكتابة" in lines[0]
    assert (tmp_path / "data").is_file()


# ---- compose.yaml: past one machine ------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def bot_services() -> dict[str, dict]:
    return {name: svc for name, svc in compose()["services"].items() if svc.get("build") == "."}


def interpolated(value: str) -> str:
    """A compose value with ${NAME:?…} / ${NAME} filled with a stand-in, as compose would."""
    return re.sub(r"\$\{([A-Z0-9_]+)[^}]*\}", lambda m: f"x-{m[1].lower()}", str(value))


def test_compose_runs_several_replicas_of_the_image_on_one_postgresql() -> None:
    services = compose()["services"]
    bots = bot_services()
    assert len(bots) >= 2, "replicas: at least two bot services built from this Dockerfile"
    db = services["db"]
    assert str(db["image"]).startswith("postgres:")
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in db["volumes"]), "data kept"
    assert "healthcheck" in db
    for name, bot in bots.items():
        env = {k: interpolated(v) for k, v in bot["environment"].items()}
        url = env["NABA_DATABASE_URL"]
        assert url.startswith("postgresql://") and "@db:5432/" in url, name
        assert env["NABA_REPLICAS"] == str(len(bots)), f"{name}: NABA_REPLICAS"
        assert env["NABA_WEBHOOK_LISTEN"] == "0.0.0.0", f"{name}: reachable by the proxy"
        assert "NABA_DB" not in env, f"{name}: the SQLite file is not used"
        assert set(env) <= settings_variables(), f"{name}: unknown variables"
        assert bot["depends_on"]["db"]["condition"] == "service_healthy"
        settings = Settings.from_env({
            **env, "NABA_WEBHOOK_URL": "https://naba.example.org/naba-hook",
            "NABA_WEBHOOK_SECRET": "s" * 40,
        })
        assert settings.database_url == url and settings.replicas == len(bots)


def test_the_proxy_routes_the_webhook_path_to_every_replica() -> None:
    caddy = CADDYFILE.read_text(encoding="utf-8")
    proxy = compose()["services"]["proxy"]
    assert any(str(v).startswith("./deploy/Caddyfile:") for v in proxy["volumes"])
    assert "handle /naba-hook" in caddy
    assert "/naba-hook" in ENV_EXAMPLE.read_text(encoding="utf-8")
    for name, bot in bot_services().items():
        port = bot["environment"]["NABA_WEBHOOK_PORT"]
        assert f"{name}:{port}" in caddy, f"the proxy never reaches {name}"
        assert name in proxy["depends_on"]
