"""A bounded `make chaos`: every fault for a short window, with the same checks. It writes its
table into a copy of docs/reliability.md, never into the committed document."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chaos import report
from chaos.faults import FAULTS
from chaos.suite import Settings, run

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_every_fault_answers_503_at_worst_and_keeps_the_books(tmp_path):
    committed = DOC.read_bytes()
    written = tmp_path / "reliability.md"
    shutil.copy(DOC, written)
    # Short windows and few shoppers keep it near 90 s; make chaos runs the long version. The
    # settle time covers checkout's recovery of an interrupted order (a minute after its claim)
    # and an e-mail whose sender was killed mid-send (its 2-minute lease, then the next sweep).
    settings = Settings(window=3.0, shoppers=2, settle_timeout=150.0)

    rows = run(tmp_path / "run", settings, progress=lambda line: None)
    report.write(written, rows, settings)

    assert DOC.read_bytes() == committed
    text = written.read_text()
    assert [row.fault for row in rows] == [fault.name for fault in FAULTS]
    for row in rows:
        assert f"| {row.fault} | {row.tally.requests} |" in text
        # The traffic really ran through each fault: a table of zeros proves nothing.
        assert row.tally.requests > 0
    failed = [row.fault for row in rows if not row.passed]
    assert not failed, f"faults that failed: {failed}\n{report.table(rows, settings)}"
