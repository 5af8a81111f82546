"""The REST API's schema is part of the contract: the committed docs/openapi.yaml must be what
the code generates, so a change that alters the API shows up in review (`make schema`)."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_the_committed_schema_is_the_generated_one(tmp_path):
    generated = tmp_path / "openapi.yaml"
    # --fail-on-warn: a view whose shapes drf-spectacular cannot read fails here too.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == COMMITTED.read_text(), (
        "The API schema changed: review the difference, then run `make schema` and commit "
        "docs/openapi.yaml."
    )
