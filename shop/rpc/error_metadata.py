"""How a domain error crosses the gRPC seam. The status alone cannot tell an unknown currency from
any other INVALID_ARGUMENT, so the error's stable `code` and its per-field messages travel in the
trailing metadata, and the remote client rebuilds the very error the service raised."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from shop.errors import ShopError, error_from_grpc

if TYPE_CHECKING:
    import grpc

logger = logging.getLogger(__name__)

ERROR_CODE_KEY = "shop-error-code"
ERROR_FIELDS_KEY = "shop-error-fields"
# Seconds after which the same call may succeed (the error's `retry_after`), as REST's Retry-After.
RETRY_AFTER_KEY = "shop-retry-after"
# Far below gRPC's default 8 KiB limit on a response's metadata: past it the client would get
# RESOURCE_EXHAUSTED instead of the error. Larger fields stay behind; message and code still cross.
MAX_FIELDS_BYTES = 4096


def error_to_metadata(error: ShopError) -> tuple[tuple[str, str], ...]:
    metadata = [(ERROR_CODE_KEY, error.code)]
    if error.retry_after:
        metadata.append((RETRY_AFTER_KEY, str(error.retry_after)))
    if error.fields:
        # json.dumps escapes non-ASCII: a plain metadata value must be printable ASCII.
        encoded = json.dumps(error.fields, default=str, separators=(",", ":"))
        if len(encoded) <= MAX_FIELDS_BYTES:
            metadata.append((ERROR_FIELDS_KEY, encoded))
        else:
            logger.warning(
                "%s: %s bytes of fields left out of the metadata", error.code, len(encoded)
            )
    return tuple(metadata)


def error_from_metadata(
    status: grpc.StatusCode, details: str, metadata: Mapping[str, str]
) -> ShopError | None:
    """The domain error behind a failed call's status and trailing metadata (see
    shop.errors.error_from_grpc)."""
    error = error_from_grpc(status, details, metadata.get(ERROR_CODE_KEY), _fields(metadata))
    retry_after = metadata.get(RETRY_AFTER_KEY, "")
    if error is not None and retry_after.isascii() and retry_after.isdigit():
        error.retry_after = int(retry_after)
    return error


def _fields(metadata: Mapping[str, str]) -> dict[str, list[str]]:
    encoded = metadata.get(ERROR_FIELDS_KEY)
    if not encoded:
        return {}
    try:
        fields = json.loads(encoded)
    except ValueError:
        fields = None
    if isinstance(fields, dict) and all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in fields.values()
    ):
        return fields
    # Only a server that is not ours sends this; its code and message are still good.
    logger.warning("ignoring malformed %s metadata", ERROR_FIELDS_KEY)
    return {}
