"""The message storage: Django's behaviour, with the cookie's signer made only when used."""

from __future__ import annotations

import pytest
from django.contrib.messages.storage.cookie import CookieStorage as DjangoCookieStorage
from django.core import signing
from django.test import Client, RequestFactory

from shop import messages_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def signers_made(monkeypatch):
    made = []
    original = signing.get_cookie_signer

    def counting(*args, **kwargs):
        made.append(kwargs.get("salt"))
        return original(*args, **kwargs)

    monkeypatch.setattr(signing, "get_cookie_signer", counting)
    return made


def test_the_storage_keeps_what_djangos_cookie_storage_sets_up_but_the_signer():
    request = RequestFactory().get("/")
    ours = messages_storage.CookieStorage(request)
    django = DjangoCookieStorage(request)
    assert set(vars(ours)) == set(vars(django)) - {"signer"}
    assert ours.signer.salt == django.signer.salt and ours.signer.key == django.signer.key


def test_a_page_view_without_a_messages_cookie_makes_no_signer(client, catalog, signers_made):
    assert client.get("/").status_code == 200
    assert client.get("/product/OLJCESPC7Z").status_code == 200
    assert signers_made == []


def test_a_message_still_travels_in_its_signed_cookie_to_the_next_page(catalog, signers_made):
    shopper = Client()
    added = shopper.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": 2})
    assert added.status_code == 302 and "messages" in shopper.cookies  # the cookie, signed
    assert signers_made  # written with the signer
    page = shopper.get("/cart").content.decode()
    assert "Added to your cart: 2 items." in page
    # Shown once: the next page finds no message.
    assert "Added to your cart" not in shopper.get("/cart").content.decode()


def test_a_tampered_messages_cookie_is_ignored(catalog):
    shopper = Client()
    shopper.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": 1})
    shopper.cookies["messages"] = shopper.cookies["messages"].value[:-3] + "xyz"
    page = shopper.get("/cart")
    assert page.status_code == 200 and "Added to your cart" not in page.content.decode()
