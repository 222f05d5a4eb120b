"""The Dockerfile, compose example and systemd unit name real files, commands and exit codes.

Docker cannot run on the test machines, so these are read, not run; the systemd unit is checked with
``systemd-analyze verify`` where that tool exists."""

import configparser
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG, EXIT_DATABASE, HEALTHY_WITHIN, SHUTDOWN_SECONDS, parser

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = (ROOT / "compose.yaml").read_text(encoding="utf-8")
UNIT_PATH = ROOT / "deploy" / "runon-bot.service"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands() -> set[str]:
    [action] = [a for a in parser()._actions if a.dest == "command"]
    return set(action.choices)


def _script_name() -> str:
    [name] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    return str(name)


def _instructions(name: str) -> list[str]:
    return [line.split(None, 1)[1] for line in DOCKERFILE.splitlines() if line.startswith(f"{name} ")]


def _exec_form(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', text)


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT_PATH.read_text(encoding="utf-8"))
    return parser


def test_dockerfile_copies_files_that_exist():
    for copy in _instructions("COPY"):
        if copy.startswith("--from"):
            continue
        *sources, _ = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), source


def test_dockerfile_runs_the_installed_script_as_a_user_in_the_state_folder():
    [user] = _instructions("USER")
    assert user not in ("root", "0")
    assert "useradd --system --uid 10001 --gid runon --home-dir /data" in DOCKERFILE
    [workdir] = _instructions("WORKDIR")[-1:]
    [volume] = _instructions("VOLUME")
    assert _exec_form(volume) == [workdir] == ["/data"]
    [entrypoint] = _instructions("ENTRYPOINT")
    assert _exec_form(entrypoint) == [_script_name()]
    [cmd] = _instructions("CMD")
    assert _exec_form(cmd)[0] in _subcommands()
    assert _instructions("STOPSIGNAL") == ["SIGTERM"]


def test_dockerfile_health_check_uses_the_health_command():
    [health] = _instructions("HEALTHCHECK")
    command = _exec_form(health.split("CMD", 1)[1])
    assert command == [_script_name(), "health"]
    assert "health" in _subcommands()
    interval = int(re.search(r"--interval=(\d+)s", health)[1])
    assert interval < HEALTHY_WITHIN


def test_the_token_never_goes_into_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored
    assert "var" in ignored


def test_compose_example_matches_the_image():
    assert re.search(r"^\s+build: \.$", COMPOSE, re.MULTILINE)
    assert re.search(r"^\s+env_file: \.env$", COMPOSE, re.MULTILINE)
    assert re.search(r"^\s+- runon-data:/data$", COMPOSE, re.MULTILINE)  # the Dockerfile's VOLUME
    grace = int(re.search(r"stop_grace_period: (\d+)s", COMPOSE)[1])
    assert grace > SHUTDOWN_SECONDS
    assert "read_only: true" in COMPOSE


def test_systemd_unit_runs_the_script_and_restarts_only_what_a_restart_can_fix():
    service = _unit()["Service"]
    executable, *args = service["ExecStart"].split()
    assert Path(executable).name == _script_name()
    assert args == ["run"]
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"].split() == [str(EXIT_CONFIG), str(EXIT_DATABASE)]
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > SHUTDOWN_SECONDS
    assert service["UMask"] == "0077"
    assert service["WorkingDirectory"] == f"/var/lib/{service['StateDirectory']}"
    assert service["StateDirectoryMode"] == "0700"
    assert service["User"] != "root"
    for key in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "RestrictAddressFamilies"):
        assert key in service, key
    assert service["ProtectSystem"] == "strict"


def test_systemd_unit_verifies(tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed here")
    script = Path(sys.executable).with_name(_script_name())
    assert script.exists()
    text = UNIT_PATH.read_text(encoding="utf-8").replace("/opt/runon-bot/bin/runon-bot", str(script))
    unit = tmp_path / "runon-bot.service"
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "Unknown key" not in done.stderr


def test_readme_describes_each_deployment_file():
    for name in ("Dockerfile", "compose.yaml", "deploy/runon-bot.service", "runon-bot health", "--clear-guild"):
        assert name in README, name
