"""The README's API walk-through runs as written. Its commands (the `$ ` lines of the README's
```console block, heredocs included) run in order in one bash, in a scratch folder laid out like
a clone after `make run` (`.venv`, `manage.py`), against a real gunicorn started here the way
`make run` starts it, on a fresh SQLite database prepared with migrate + load_demo. The only
change to a command is the port: the README's 8080 becomes the test's free port.

Each step must exit 0, and every HTTP request it makes must answer 2xx unless the README's
output for the step shows an error status (a problem's `"status": N`, an `HTTP/1.1 N` line),
which it must then answer exactly. Where the README's output is JSON, the step's output must be
JSON with the same keys. The statuses come from a `curl` on PATH that calls the real curl with
`-w` writing the status to stderr, so stdout stays as the reader sees it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from testing.servers import free_port, wait_for_port

pytestmark = pytest.mark.slow

README = Path(settings.BASE_DIR) / "README.md"
README_PORT = "8080"
STATUS_MARK = "walkthrough-http-status"
# What a fresh clone's embedded shop has: none of the suite's own servers or public origin.
FOREIGN = ("SITE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL", "EMAIL_URL", "PORT")


@dataclass
class Step:
    command: str
    output: list[str] = field(default_factory=list)

    def expected_statuses(self) -> set[int]:
        text = "\n".join(self.output)
        problems = re.findall(r'"status":\s*(\d{3})', text)
        status_lines = re.findall(r"^HTTP/[\d.]+ (\d{3})", text, re.M)
        return {int(status) for status in problems + status_lines}

    def documented_json(self):
        try:
            return json.loads("\n".join(self.output))
        except ValueError:
            return None


def walkthrough(readme: str) -> list[Step]:
    """The steps of the ```console block of the README's API section: `$ command` (with its
    heredoc), then what it prints; `# ` lines are the reader's comments."""
    section = readme.split("\n## API\n", 1)[1]
    block = re.search(r"^```console\n(.*?)^```$", section, re.M | re.S).group(1)
    steps: list[Step] = []
    lines = iter(block.splitlines())
    for line in lines:
        if line.startswith("$ "):
            command = [line[2:]]
            heredoc = re.search(r"<<-?\s*'?(\w+)'?", line)
            if heredoc:
                for body in lines:
                    command.append(body)
                    if body == heredoc.group(1):
                        break
            steps.append(Step("\n".join(command)))
        elif line.strip() and not line.startswith("# ") and steps:
            steps[-1].output.append(line)
    return steps


@pytest.fixture
def clone(tmp_path) -> tuple[Path, dict[str, str]]:
    """A scratch folder where `.venv/bin/python manage.py` works as in a clone, and the
    environment `make run` gives the shop (its .env: a secret key, plain HTTP on loopback)."""
    folder = tmp_path / "clone"
    folder.mkdir()
    (folder / ".venv").symlink_to(sys.prefix)
    (folder / "manage.py").symlink_to(Path(settings.BASE_DIR) / "manage.py")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    curl = bin_dir / "curl"
    curl.write_text(
        f"#!/bin/sh\nexec {shutil.which('curl')} -w '%{{stderr}}{STATUS_MARK} %{{http_code}}\\n'"
        ' "$@"\n'
    )
    curl.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN and "SERVICE_ADDR" not in k}
    env |= {
        "PATH": f"{bin_dir}:{env['PATH']}",
        "PYTHONPATH": str(settings.BASE_DIR),
        "ENV_FILE": os.devnull,
        "SECRET_KEY": "walkthrough-test-only-" + "x" * 40,
        "DEBUG": "false",
        "HTTPS_ONLY": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    return folder, env


@pytest.fixture
def shop(clone, tmp_path):
    """gunicorn as `make run` starts it, on a free port, after migrate and load_demo."""
    folder, env = clone
    for args in (["migrate", "--no-input"], ["load_demo"]):
        subprocess.run([".venv/bin/python", "manage.py", *args], cwd=folder, env=env,
                       check=True, timeout=120, stdout=subprocess.DEVNULL)  # fmt: skip
    port = free_port()
    with open(tmp_path / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [".venv/bin/gunicorn", "shop.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "8"],
            cwd=folder, env=env | {"PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(port, timeout=60)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_the_readme_walkthrough_runs_as_written(clone, shop, tmp_path):
    folder, env = clone
    steps = walkthrough(README.read_text())
    assert len(steps) >= 10, "the walk-through lost its steps"
    results = tmp_path / "results"
    results.mkdir()
    script = [
        f"{{ {step.command.replace(f'127.0.0.1:{README_PORT}', f'127.0.0.1:{shop}')}\n}}"
        f" >{results}/{n}.out 2>{results}/{n}.err; echo $? >{results}/{n}.rc"
        for n, step in enumerate(steps)
    ]
    # Two manage.py commands among the curls: room for a busy machine (60 s was seen to run out).
    subprocess.run(["bash", "-c", "\n".join(script)], cwd=folder, env=env, timeout=240, check=True)
    for n, step in enumerate(steps):
        out, err = (results / f"{n}.out").read_text(), (results / f"{n}.err").read_text()
        where = f"step {n + 1}: $ {step.command}\n--- stdout\n{out}\n--- stderr\n{err}"
        assert (results / f"{n}.rc").read_text().strip() == "0", where
        statuses = [int(s) for s in re.findall(rf"^{STATUS_MARK} (\d+)$", err, re.M)]
        assert len(statuses) == step.command.count("curl "), where
        expected = step.expected_statuses()
        for status in statuses:
            assert (status in expected) if expected else (200 <= status < 300), where
        documented = step.documented_json()
        if isinstance(documented, dict):
            assert set(json.loads(out)) == set(documented), where
        if step.output:
            assert out.strip(), where


def test_the_walkthrough_reader_splits_commands_outputs_and_heredocs():
    steps = walkthrough(
        "## Setup\n```console\n$ not this\n```\n\n"
        '## API\n```console\n# a comment\n$ A=1\n$ cat > x.json <<JSON\n{"a": $A}\nJSON\n'
        '$ curl -s x\n{"status":409,"code":"c"}\n$ curl -si y | head -1\nHTTP/1.1 404 Not Found\n'
        "```\n"
    )
    assert [step.command for step in steps] == [
        "A=1",
        'cat > x.json <<JSON\n{"a": $A}\nJSON',
        "curl -s x",
        "curl -si y | head -1",
    ]
    assert [step.expected_statuses() for step in steps] == [set(), set(), {409}, {404}]
    assert steps[2].documented_json() == {"status": 409, "code": "c"}
