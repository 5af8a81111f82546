"""The exchange-rate feed in the ECB's eurofxref-daily.xml format: fetch it and read its rates.

Parsed with the standard library's expat, refusing any DTD. Without a DTD a document can declare
no entities, so neither entity-expansion bombs ("billion laughs") nor external entities (local
files, URLs) can be expressed; only the five predefined entities and character references
remain. That is the whole of what defusedxml would add for this format, so no dependency.
"""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from xml.parsers import expat

ECB_NAMESPACE = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
_CUBE = f"{ECB_NAMESPACE} Cube"
MAX_FEED_BYTES = 1_000_000  # the real file is about 2 kB
FETCH_TIMEOUT_SECONDS = 10
_CODE = re.compile(r"[A-Z]{3}")
# What ExchangeRate.rate_per_eur (DECIMAL(20, 10)) holds.
_RATE = re.compile(r"\d{1,10}(\.\d{1,10})?")


class FeedError(Exception):
    """The feed could not be fetched or read; the message says why."""


@dataclass(frozen=True, slots=True)
class FeedRates:
    date: str
    rates: dict[str, Decimal]


def feed_fetch(url: str) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise FeedError(f"the feed URL must be http(s), not {url!r}")
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked above
            document = response.read(MAX_FEED_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise FeedError(f"the server answered HTTP {error.code}") from error
    except urllib.error.URLError as error:
        raise FeedError(f"cannot reach the feed ({error.reason})") from error
    except (OSError, http.client.HTTPException) as error:
        raise FeedError(f"cannot read the feed ({error!r})") from error
    if len(document) > MAX_FEED_BYTES:
        raise FeedError(f"the feed is larger than {MAX_FEED_BYTES} bytes")
    return document


def ecb_rates_parse(document: bytes) -> FeedRates:
    """The rates (per 1 EUR) and the date of an eurofxref document; FeedError if anything in it
    is not as expected, so that a damaged feed never changes a rate."""
    dates: list[str] = []
    rates: dict[str, Decimal] = {}

    def refuse_dtd(*args: object) -> None:
        raise FeedError("the feed declares a DTD, which is refused (entities are not allowed)")

    def start(name: str, attributes: dict[str, str]) -> None:
        if name != _CUBE:
            return
        if "time" in attributes:
            dates.append(attributes["time"])
        if "currency" not in attributes and "rate" not in attributes:
            return
        code, rate = attributes.get("currency", ""), attributes.get("rate", "")
        if not _CODE.fullmatch(code):
            raise FeedError(f"{code!r} is not a currency code")
        if not _RATE.fullmatch(rate) or Decimal(rate) == 0:
            raise FeedError(f"the rate of {code} is {rate!r}, not a positive decimal")
        if code in rates:
            raise FeedError(f"{code} appears twice")
        rates[code] = Decimal(rate)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd
    parser.StartElementHandler = start
    try:
        parser.Parse(document, True)
    except expat.ExpatError as error:
        raise FeedError(f"the feed is not well-formed XML ({error})") from error
    if not rates:
        raise FeedError("the feed holds no rates")
    # EUR is the base of every rate: always 1, whatever a feed says.
    rates.pop("EUR", None)
    return FeedRates(date=dates[0] if dates else "", rates=rates)
