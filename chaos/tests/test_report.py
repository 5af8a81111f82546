"""The table goes between the document's marker lines and nowhere else."""

from __future__ import annotations

import pytest

from chaos import report
from chaos.suite import Row, Settings
from chaos.traffic import Tally

SETTINGS = Settings(window=5.0, shoppers=3)


def rows() -> list[Row]:
    return [
        Row("none (baseline)", Tally(requests=40, slowest=0.25), 0.0),
        Row(
            "PostgreSQL stopped",
            Tally(requests=80, unavailable=5, server_errors=2, samples=["POST /cart: 500"]),
            1.5,
            ["order x still pending"],
        ),  # fmt: skip
        Row("broker restarted", Tally(requests=60, unanswered=1), None, [], carried=1),
    ]


def test_the_table_replaces_what_lies_between_the_markers(tmp_path):
    doc = tmp_path / "reliability.md"
    doc.write_text(f"# Title\n\nprose\n\n{report.BEGIN}\nold table\n{report.END}\n\nafter\n")

    report.write(doc, rows(), SETTINGS)

    text = doc.read_text()
    assert text.startswith("# Title\n\nprose\n\n")
    assert text.endswith(f"{report.END}\n\nafter\n")
    assert "old table" not in text
    assert "| none (baseline) | 40 | 0 | 0 | 0 | 0.2 s | 0.0 s | yes |" in text
    assert "| PostgreSQL stopped | 80 | 5 | 2 | 0 | 0.0 s | 1.5 s | **no**: 1 new |" in text
    carried = "| broker restarted | 60 | 0 | 0 | 1 | 0.0 s | never | no: 1 from earlier faults"
    assert carried in text
    assert "- POST /cart: 500\n- order x still pending" in text


def test_a_document_without_the_markers_is_refused(tmp_path):
    doc = tmp_path / "reliability.md"
    doc.write_text("# Title\n")
    with pytest.raises(ValueError, match="lacks the lines"):
        report.write(doc, rows(), SETTINGS)
    assert doc.read_text() == "# Title\n"


def test_a_fault_passes_only_without_new_problems_5xx_or_an_outage_left_behind():
    baseline, postgres, broker = rows()
    assert baseline.passed and baseline.balanced
    assert not postgres.passed
    assert not broker.passed  # never ready again
    assert not broker.balanced  # an earlier fault's problem is still open
