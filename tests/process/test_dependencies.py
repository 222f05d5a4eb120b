"""What the bot runs on is declared, past its known advisories, and pinned with hashes for the container.

Read, not run (Docker is not on the test machines): pyproject.toml against the bot's own imports, constraints.txt
against pyproject.toml, the Dockerfile's installs and base image, and the PostgreSQL compose example's volumes."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = {canonicalize_name(Requirement(r).name): Requirement(r) for r in PROJECT["dependencies"]}
DEV = {canonicalize_name(Requirement(r).name) for r in PROJECT["optional-dependencies"]["dev"]}
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
#: Developer tools (bot/devtools) that only the dev extra needs (python -m bot.devtools.locale font/check).
DEV_TOOLS = set((ROOT / "bot" / "devtools").rglob("*.py"))

#: Versions with published advisories that the floors must exclude (the last affected release of each).
ADVISORIES = {
    "aiohttp": ["3.13.3", "3.14.2"],  # fixed in 3.13.4 and 3.14.3
    "pillow": ["12.1.0", "12.2.0"],  # CVE-2026-25990 (12.1.1), CVE-2026-40192 (12.2.0), PYSEC-2026-2253.. (12.3.0)
}


def _third_party_imports() -> dict[str, set[Path]]:
    """Top-level modules imported anywhere in bot/ and cogs/ that are neither the standard library nor ours."""
    found: dict[str, set[Path]] = {}
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "cogs").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("bot", "cogs"):
                    found.setdefault(top, set()).add(path)
    return found


def test_every_package_the_bot_imports_is_declared():
    distributions = packages_distributions()
    undeclared = []
    for module, paths in sorted(_third_party_imports().items()):
        names = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if names & RUNTIME.keys():
            continue
        if names & DEV and paths <= DEV_TOOLS:
            continue  # a developer tool's import, declared in the dev extra
        undeclared.append(f"{module} (imported by {', '.join(sorted(p.relative_to(ROOT).as_posix() for p in paths))})")
    assert not undeclared, "imported but not in pyproject.toml's dependencies: " + "; ".join(undeclared)


@pytest.mark.parametrize(("name", "affected"), sorted(ADVISORIES.items()))
def test_floors_exclude_the_releases_with_advisories(name, affected):
    requirement = RUNTIME[canonicalize_name(name)]
    for version in affected:
        assert version not in requirement.specifier, f"{requirement} still allows {name} {version}"


def _pins() -> dict[str, tuple[Version, list[str]]]:
    """constraints.txt: each package's exact version and hashes."""
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8").replace("\\\n", " ")
    pins: dict[str, tuple[Version, list[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})*)", line)
        assert match, f"constraints.txt: not an exact pin with hashes: {line[:80]}"
        hashes = re.findall(r"sha256:([0-9a-f]{64})", match[3])
        pins[canonicalize_name(match[1])] = (Version(match[2]), hashes)
    return pins


def test_constraints_pin_every_dependency_exactly_with_hashes():
    pins = _pins()
    for name, requirement in RUNTIME.items():
        assert name in pins, f"{name} is a dependency but not pinned in constraints.txt"
        version, _ = pins[name]
        assert version in requirement.specifier, f"constraints.txt pins {name} {version}, outside {requirement}"
    for name, (version, hashes) in pins.items():
        assert hashes, f"{name}=={version} has no hash"
        for advisory_name, affected in ADVISORIES.items():
            if name == canonicalize_name(advisory_name):
                assert all(version > Version(v) for v in affected), f"{name}=={version} has an advisory"
    build = (ROOT / "constraints-build.txt").read_text(encoding="utf-8")
    assert re.search(r"^setuptools==\S+ \\\n\s+--hash=sha256:[0-9a-f]{64}", build, re.MULTILINE)


def test_the_container_installs_only_hashed_packages():
    installs = [line for line in DOCKERFILE.splitlines() if re.search(r"\bpip (install|wheel)\b", line)]
    assert installs
    for line in installs:
        if "--require-hashes" in line:
            continue
        # the bot's own wheel, built in the first stage from the copied source: nothing is downloaded for it
        assert "--no-index" in line or "--no-build-isolation" in line, line
        assert "--no-deps" in line, line
    assert "--require-hashes --no-deps -r /tmp/constraints.txt" in DOCKERFILE
    assert "pip check" in DOCKERFILE  # the pinned set satisfies what the wheel declares


def test_the_base_image_is_pinned_by_digest_or_says_plainly_that_it_is_not():
    froms = [line.split()[1] for line in DOCKERFILE.splitlines() if line.startswith("FROM ")]
    assert froms == ["${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]  # both stages from one reference
    [default] = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.MULTILINE)
    assert default.startswith("python:3.11")
    if not re.fullmatch(r"python:[\w.-]+@sha256:[0-9a-f]{64}", default):
        # no digest could be verified where this was written: the file must say so, and how to pin it
        assert "NOT pinned by digest" in DOCKERFILE
        assert "docker inspect --format '{{index .RepoDigests 0}}' python:3.11-slim" in DOCKERFILE


def test_each_process_of_the_postgresql_example_has_its_own_heartbeat():
    compose = (ROOT / "deploy" / "compose.postgres.yaml").read_text(encoding="utf-8")
    services = re.findall(r"^  (bot-\d+):\n((?:    .*\n|      .*\n)+)", compose, re.MULTILINE)
    assert len(services) == 3
    volumes = [re.findall(r"^      - ([\w-]+):/data$", body, re.MULTILINE) for _, body in services]
    assert all(len(v) == 1 for v in volumes), volumes
    assert len({v[0] for v in volumes}) == 3  # one heartbeat file each: a dead process can't look healthy
