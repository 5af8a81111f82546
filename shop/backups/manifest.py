"""manifest.json: what a backup folder holds, for `restore` and for people. It records counts,
files and sizes, never where the data came from: no URL, host, user or password."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError

FORMAT = 1
NAME = "manifest.json"


def write(folder: Path, manifest: dict) -> None:
    (folder / NAME).write_text(json.dumps({"format": FORMAT, **manifest}, indent=2) + "\n")


def read(folder: Path) -> dict:
    path = folder / NAME
    if not path.is_file():
        raise CommandError(f"{folder} is not a backup: it has no {NAME}")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise CommandError(f"{path}: format {manifest.get('format')!r}, expected {FORMAT}")
    return manifest


def size(count: int) -> str:
    """A byte count for a progress line: 512 B, 12.3 KB, 4.5 MB."""
    if count < 1024:
        return f"{count} B"
    amount = count / 1024
    for unit in ("KB", "MB"):
        if amount < 1024:
            return f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GB"
