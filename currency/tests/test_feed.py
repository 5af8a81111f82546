"""The rate feed against a real local HTTP server serving ECB-format files."""

import logging
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from currency import tasks
from currency.feed import FeedError, ecb_rates_parse
from currency.models import ExchangeRate
from currency.services import rates_load_initial, rates_refresh
from testing.servers import free_port

pytestmark = pytest.mark.django_db

ECB_DAILY = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
    xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>
    <Cube time='2026-11-24'>
      <Cube currency='USD' rate='1.0812'/>
      <Cube currency='JPY' rate='163.27'/>
      <Cube currency='GBP' rate='0.86330'/>
      <Cube currency='ISK' rate='146.90'/>
    </Cube>
  </Cube>
</gesmes:Envelope>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Cube xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref" currency="USD" rate="&lol2;"/>
"""


@pytest.fixture
def feed_server() -> Iterator[dict]:
    """Serves whatever document the test puts in the returned dict, at its "url"."""
    served = {"document": ECB_DAILY}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = served["document"]
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served["url"] = f"http://127.0.0.1:{server.server_address[1]}/eurofxref-daily.xml"
    yield served
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(autouse=True)
def rates():
    rates_load_initial()


def rate(code: str) -> Decimal:
    return ExchangeRate.objects.get(code=code).rate_per_eur


def test_parser_reads_the_ecb_format():
    feed = ecb_rates_parse(ECB_DAILY)
    assert feed.date == "2026-11-24"
    assert feed.rates == {
        "USD": Decimal("1.0812"),
        "JPY": Decimal("163.27"),
        "GBP": Decimal("0.86330"),
        "ISK": Decimal("146.90"),
    }


@pytest.mark.parametrize(
    "document,reason",
    [
        (BILLION_LAUGHS, "DTD"),
        (b"<Cube", "not well-formed"),
        (ECB_DAILY.replace(b"1.0812", b"-1"), "not a positive decimal"),
        (ECB_DAILY.replace(b"1.0812", b"0"), "not a positive decimal"),
        (ECB_DAILY.replace(b"'JPY'", b"'jpy'"), "not a currency code"),
        (ECB_DAILY.replace(b"'JPY'", b"'USD'"), "appears twice"),
        (b"<html><body>Maintenance</body></html>", "no rates"),
    ],
)
def test_parser_refuses_a_damaged_or_hostile_feed(document, reason):
    with pytest.raises(FeedError, match=reason):
        ecb_rates_parse(document)


def test_refresh_applies_the_feed_and_keeps_what_it_does_not_carry(feed_server):
    result = rates_refresh(feed_url=feed_server["url"])
    assert result.changed == ["GBP", "ISK", "JPY", "USD"]
    assert (rate("USD"), rate("JPY"), rate("EUR")) == (Decimal("1.0812"), Decimal("163.27"), 1)
    assert rate("RUB") == Decimal("74.4208")  # not in this feed: kept
    assert ExchangeRate.objects.get(code="USD").updated_by is None
    # The same feed again changes nothing.
    assert rates_refresh(feed_url=feed_server["url"]).changed == []


def test_refresh_adds_new_currencies_and_leaves_pinned_rates_alone(feed_server):
    ExchangeRate.objects.filter(code="USD").update(rate_per_eur=Decimal("1.2"), pinned=True)
    feed_server["document"] = ECB_DAILY.replace(b"'ISK'", b"'XAU'")
    result = rates_refresh(feed_url=feed_server["url"])
    assert (result.pinned, result.added) == (["USD"], ["XAU"])
    assert rate("USD") == Decimal("1.2") and rate("XAU") == Decimal("146.90")


def test_a_hostile_feed_changes_nothing_and_warns(feed_server, caplog):
    feed_server["document"] = BILLION_LAUGHS
    with caplog.at_level(logging.WARNING, logger="currency.services"):
        assert rates_refresh(feed_url=feed_server["url"]) is None
    assert "DTD" in caplog.text and rate("USD") == Decimal("1.1305")


def test_with_no_network_the_last_rates_stay_and_a_warning_is_logged(caplog, settings):
    settings.CURRENCY_FEED_URL = f"http://127.0.0.1:{free_port()}/eurofxref-daily.xml"  # closed
    before = dict(ExchangeRate.objects.values_list("code", "rate_per_eur"))
    with caplog.at_level(logging.WARNING, logger="currency.services"):
        tasks.rates_refresh.delay()  # eager in the embedded settings: runs here and now
    assert dict(ExchangeRate.objects.values_list("code", "rate_per_eur")) == before
    (record,) = [r for r in caplog.records if r.name == "currency.services"]
    assert record.levelno == logging.WARNING
    assert "cannot reach the feed" in record.getMessage()
    assert "Keeping the last rates" in record.getMessage()


def test_the_task_refreshes_from_the_configured_feed(feed_server, settings):
    settings.CURRENCY_FEED_URL = feed_server["url"]
    tasks.rates_refresh.delay()
    assert rate("JPY") == Decimal("163.27")


def test_only_http_feeds_are_fetched(caplog):
    with caplog.at_level(logging.WARNING, logger="currency.services"):
        assert rates_refresh(feed_url="file:///etc/passwd") is None
    assert "must be http(s)" in caplog.text


def test_the_refresh_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["currency-rates-refresh"]
    assert entry["task"] == tasks.rates_refresh.name == "currency.tasks.rates_refresh"
