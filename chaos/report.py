"""The chaos run's table, as docs/reliability.md shows it (between its two marker lines)."""

from __future__ import annotations

import datetime
from pathlib import Path

from chaos.suite import Row, Settings

BEGIN = "<!-- chaos:begin (written by make chaos) -->"
END = "<!-- chaos:end -->"
PROBLEMS_SHOWN = 5  # per fault: the rest are alike, and the run's folder has the logs


def table(rows: list[Row], settings: Settings) -> str:
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Last run: {when}; each fault {settings.window:g} s, {settings.shoppers} shoppers and "
        "a buyer.",
        "",
        "| fault | requests | 503s | 500s | no answer | slowest answer | recovered after "
        "| books balanced |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        recovered = "never" if row.recovered_after is None else f"{row.recovered_after:.1f} s"
        balanced = "yes"
        if row.problems:
            balanced = f"**no**: {len(row.problems)} new"
        elif row.carried:
            balanced = f"no: {row.carried} from earlier faults still open"
        tally = row.tally
        lines.append(f"| {row.fault} | {tally.requests} | {tally.unavailable} | "
                     f"{tally.server_errors} | {tally.unanswered} | {tally.slowest:.1f} s | "
                     f"{recovered} | "
                     f"{balanced} |")  # fmt: skip
    for row in rows:
        if row.problems or row.tally.samples:
            lines += ["", f"{row.fault}:"]
            lines += [f"- {sample}" for sample in row.tally.samples]
            lines += [f"- {problem}" for problem in row.problems[:PROBLEMS_SHOWN]]
            if len(row.problems) > PROBLEMS_SHOWN:
                lines.append(f"- and {len(row.problems) - PROBLEMS_SHOWN} more")
    return "\n".join(lines)


def write(path: Path, rows: list[Row], settings: Settings) -> None:
    """Replaces what lies between the markers, leaving the rest of the document as written."""
    text = path.read_text()
    head, found, rest = text.partition(BEGIN)
    _old, found_end, tail = rest.partition(END)
    if not (found and found_end):
        raise ValueError(f"{path} lacks the lines {BEGIN!r} and {END!r}")
    path.write_text(f"{head}{BEGIN}\n{table(rows, settings)}\n{END}{tail}")
