"""The customer's journey in a real browser against a real shop (see conftest.py): browse in
EUR, fill the cart, pay with a VISA test card typed in groups, find the order again from the
e-mail; and a declined card, shown at the card's field, that leaves the cart as it was."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.slow

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TRACKING_ID = r"[A-Z]{2}-\d{7}-\d{7}"
NEXT_YEAR = str(datetime.date.today().year + 1)


def fill_form(form, values: dict[str, str]) -> None:
    """Fills fields by name (the original frontend's field names), whatever widget they use."""
    for name, value in values.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def submit(form) -> None:
    form.locator("button[type=submit], input[type=submit], button:not([type])").first.click()


def shipping_and_card(email: str, card_number: str, cvv: str) -> dict[str, str]:
    return {
        "email": email,
        "street_address": "1600 Amphitheatre Parkway",
        "zip_code": "94043",
        "city": "Mountain View",
        "state": "CA",
        "country": "United States",
        "credit_card_number": card_number,
        "credit_card_expiration_month": "1",
        "credit_card_expiration_year": NEXT_YEAR,
        "credit_card_cvv": cvv,
    }


def product_links(page: Page) -> list[str]:
    hrefs = page.locator("a[href^='/product/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    return list(dict.fromkeys(hrefs))  # each product once, in page order


def add_to_cart(page: Page, product_path: str) -> str:
    page.goto(product_path)
    page.camera.shot("product")
    form = page.locator("form[action='/cart']")
    submit(form)
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.locator(".messages")).to_contain_text("Added to your cart")
    return product_path.rsplit("/", 1)[1]


# Each visible button's label, area and font size.
BUTTON_SIZES = """buttons => buttons.filter(button => button.offsetParent).map(button => {
  const box = button.getBoundingClientRect();
  return [button.textContent.trim(), box.width * box.height,
          parseFloat(getComputedStyle(button).fontSize)];
})"""


def cart_line_quantity(page: Page, product_id: str):
    form = page.locator(
        f"form[action='/cart/update']:has(input[name=product_id][value='{product_id}'])"
    )
    return form, form.locator("input[name=quantity]")


def test_customer_buys_two_products_in_euros_and_finds_the_order_from_the_email(page, inbox):
    page.goto("/")
    expect(page.locator("a[href^='/product/']").first).to_be_visible()
    page.camera.shot("home")

    currency = page.locator("form[action='/setCurrency']")
    fill_form(currency, {"currency_code": "EUR"})
    submit(currency)
    expect(page.locator("main")).to_contain_text("€")
    page.camera.shot("home-eur")
    first, second = product_links(page)[:2]

    first_id = add_to_cart(page, first)
    second_id = add_to_cart(page, second)
    expect(page.locator("form[action='/cart/update']")).to_have_count(2)
    page.camera.shot("cart-two-products")

    form, quantity = cart_line_quantity(page, first_id)
    quantity.fill("3")
    submit(form)
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(cart_line_quantity(page, first_id)[1]).to_have_value("3")
    expect(cart_line_quantity(page, second_id)[1]).to_have_value("1")
    expect(page.locator("main")).to_contain_text("€")
    page.camera.shot("cart-updated")

    # The recommendation cards show their prices, in euros too.
    expect(page.locator(".recommendations .price").first).to_contain_text("€")

    customer = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    checkout = page.locator("form[action='/cart/checkout']")
    fill_form(checkout, shipping_and_card(customer, "4432 8015 6152 0454", "672"))
    card_number = checkout.locator("[name=credit_card_number]")
    expect(card_number).to_have_attribute("type", "text")  # visible, as typed
    expect(card_number).to_have_value("4432 8015 6152 0454")
    # The order summary beside the form; Place order the most visible button.
    summary, form_box = page.locator(".order-summary").bounding_box(), checkout.bounding_box()
    assert summary["x"] >= form_box["x"] + form_box["width"] - 1, (summary, form_box)
    assert summary["y"] < form_box["y"] + form_box["height"]
    buttons = page.locator("main .button").evaluate_all(BUTTON_SIZES)
    place_order = next(size for label, *size in buttons if label == "Place order")
    for label, *size in buttons:
        if label != "Place order":
            assert place_order[0] > size[0] and place_order[1] > size[1], (label, size)
    page.camera.shot("checkout-filled")
    submit(checkout)

    confirmation = page.locator("main")
    expect(confirmation).to_contain_text(re.compile(UUID))
    text = confirmation.inner_text()
    order_id = re.search(UUID, text).group()
    tracking_id = re.search(TRACKING_ID, text).group()
    expect(confirmation).to_contain_text("€")
    page.camera.shot("confirmation")

    message = inbox.message_to(customer)
    assert order_id in message["Subject"] + message.get_body(("plain",)).get_content()
    body = message.get_body(("plain",)).get_content()
    order_link = re.search(rf"https?://\S+/order/{order_id}\S*", body).group()
    assert tracking_id in body

    page.goto(order_link)
    order_page = page.locator("main")
    expect(order_page).to_contain_text(order_id)
    expect(order_page).to_contain_text(tracking_id)
    page.camera.shot("order-page-from-email")


def test_declined_card_shows_its_message_and_keeps_the_cart(page):
    page.goto("/")
    product_id = add_to_cart(page, product_links(page)[0])

    checkout = page.locator("form[action='/cart/checkout']")
    fill_form(checkout, shipping_and_card("declined@example.com", "378282246310005", "6720"))
    submit(checkout)
    card_error = page.locator("#id_credit_card_number_error")
    expect(card_error).to_contain_text("Only VISA or MasterCard is accepted")
    expect(page.locator("[name=credit_card_number]")).to_have_value("")  # never echoed
    expect(page.locator(".order-summary")).to_contain_text("Total")  # kept on the error page
    assert not re.search(UUID, page.locator("main").inner_text()), "no order was placed"
    page.camera.shot("declined")

    page.goto("/cart")
    form, quantity = cart_line_quantity(page, product_id)
    expect(quantity).to_have_value("1")
    page.camera.shot("cart-kept")
