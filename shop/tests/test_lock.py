"""The lock files (make lock) agree with pyproject.toml and with each other: what is tested is
what runs, and every package is pinned with its hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)", re.M)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: str) -> dict[str, str]:
    text = (ROOT / path).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    for block in blocks:
        if PIN.match(block):
            assert "--hash=sha256:" in block, f"{block.split()[0]} has no hash in {path}"
    return {normalized(name): version for name, version in PIN.findall(text)}


def declared(names: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in names:
        name, version = requirement.split("==")
        pins[normalized(name.split("[")[0])] = version
    return pins


def test_every_declared_pin_is_locked_at_its_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, test = locked("requirements/runtime.txt"), locked("requirements/test.txt")
    for name, version in declared(project["dependencies"]).items():
        assert runtime.get(name) == version, name
    for name, version in declared(project["optional-dependencies"]["test"]).items():
        assert test.get(name) == version, name


def test_the_test_set_runs_the_runtime_set_unchanged():
    runtime, test = locked("requirements/runtime.txt"), locked("requirements/test.txt")
    assert {name: test.get(name) for name in runtime} == runtime


def test_test_tools_stay_out_of_the_runtime_set():
    runtime = locked("requirements/runtime.txt")
    for tool in ("pytest", "ruff", "grpcio-tools", "playwright", "locust", "schemathesis"):
        assert tool not in runtime
