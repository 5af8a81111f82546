"""The storefront journey, run by `manage.py shell` in a process whose every service is remote
(all nine *_SERVICE_ADDR set); prints what it saw as JSON for test_microservices.py."""

import json
import re

from django.test import Client

from ads.client import ad_client
from cart.client import cart_client
from catalog.client import catalog_client
from checkout.client import checkout_client
from currency.client import currency_client
from notifications.client import email_client
from payments.client import payment_client
from recommendations.client import recommendation_client
from shipping.client import shipping_client
from testing.fixtures import FORM

CLIENTS = [ad_client, cart_client, catalog_client, checkout_client, currency_client, email_client,
           payment_client, recommendation_client, shipping_client]  # fmt: skip

from django.db import connection  # noqa: E402

seen = {"clients": sorted({type(client()).__name__ for client in CLIENTS})}
visitor = Client()
visitor.cookies["shop_currency"] = "EUR"
seen["add"] = visitor.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "2"}).status_code
cart_page = visitor.get("/cart")
seen["cart"] = [cart_page.status_code, "35,36\xa0€" in cart_page.content.decode()]
visa_as_typed = FORM | {"credit_card_number": "4432-8015-6152-0454"}
confirmation = visitor.post("/cart/checkout", visa_as_typed)
html = confirmation.content.decode()
order_link = re.search(r'href="(/order/[^"]+)"', html)
seen["checkout"] = [confirmation.status_code, "43,31\xa0€" in html, bool(order_link)]
if order_link:
    order_page = visitor.get(order_link.group(1).replace("&amp;", "&"), follow=True)
    tracking = re.search(r'class="tracking-id">([A-Z]{2}-\d+-\d+)<', order_page.content.decode())
    seen["order"] = [order_page.status_code, bool(tracking)]
seen["cart_after"] = "Your cart is empty." in visitor.get("/cart").content.decode()
visitor.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"})
declined = visitor.post("/cart/checkout", FORM | {"credit_card_number": "378282246310005"})
seen["amex"] = [
    declined.status_code,
    "Only VISA or MasterCard is accepted." in declined.content.decode(),
    "378282246310005" not in declined.content.decode(),
]
# The storefront's own database has no table at all: nothing above could have used one.
seen["storefront_tables"] = connection.introspection.table_names()
print("JOURNEY " + json.dumps(seen))
