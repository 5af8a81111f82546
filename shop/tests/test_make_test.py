"""`make test` runs the suite with Python's bytecode cache on, whatever the calling environment
says, over every core with a schedule that runs every collected test (docs/decisions.md, "make
test's time"). The target's own recipe runs, with a stand-in interpreter that prints what it was
given instead of testing; its prerequisites (installs, lint) are not remade."""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORT = "import json, sys; print(json.dumps([sys.flags.dont_write_bytecode, sys.argv[1:]]))"
PREREQUISITES = ("install-test", "test-system-deps", "e2e/node_modules/.installed", "lint")


@pytest.fixture(scope="module")
def pytest_runs() -> list[tuple[int, list[str]]]:
    """(bytecode writing off?, arguments) of each `$(PY) ...` line of `make test`."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    stand_in = f"{shlex.quote(sys.executable)} -c {shlex.quote(REPORT)}"
    # As the machines running these sessions call it: bytecode writing turned off.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    skipped = [arg for target in PREREQUISITES for arg in ("-o", target)]
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", *skipped, "test", f"PY={stand_in}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [tuple(json.loads(line)) for line in result.stdout.splitlines()]


def test_make_test_turns_bytecode_writing_back_on(pytest_runs):
    """With PYTHONDONTWRITEBYTECODE set and the packages installed --no-compile, each of the
    suite's Python processes would compile Django and the shop from source again."""
    assert len(pytest_runs) == 3  # the first pass, the PostgreSQL pass, the stops_postgres tests
    assert [off for off, _ in pytest_runs] == [0, 0, 0]


def test_no_parallel_pytest_run_schedules_by_node_id(pytest_runs):
    """loadscope and loadgroup key the queue by node id: schemathesis's generated tests share
    one (shop/tests/test_api_fuzz.py), and all but one of them would silently not run."""
    parallel = [args for _, args in pytest_runs if "-n" in args]
    assert len(parallel) == 2
    for args in parallel:
        assert "--dist" not in args or args[args.index("--dist") + 1] in ("load", "worksteal")
