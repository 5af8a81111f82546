from datetime import date

import pytest

from payments.cards import (
    CardBrandNotAccepted,
    CardCvvInvalid,
    CardExpired,
    CardExpiryInvalid,
    CardNumberInvalid,
    card_brand,
    card_check,
    luhn_valid,
)
from payments.tests.conftest import card

TODAY = date(2024, 2, 15)


@pytest.mark.parametrize(
    "number,brand",
    [
        ("4111111111111111", "visa"),
        ("4012888888881881", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3566002020360505", "jcb"),
        ("30569309025904", "diners"),
    ],
)
def test_brand_detection_of_well_known_test_numbers(number, brand):
    assert luhn_valid(number)
    assert card_brand(number) == brand


def test_visa_and_mastercard_are_accepted_and_only_brand_and_last4_come_back():
    checked = card_check(card("4111 1111 1111 1111", year=2030), today=TODAY)
    assert (checked.brand, checked.last4) == ("visa", "1111")
    assert card_check(card("5555-5555-5555-4444", year=2030), today=TODAY).brand == "mastercard"


@pytest.mark.parametrize(
    "number,name",
    [("378282246310005", "American Express"), ("6011111111111117", "Discover")],
)
def test_other_brands_get_the_originals_words(number, name):
    with pytest.raises(CardBrandNotAccepted) as excinfo:
        card_check(card(number, year=2030), today=TODAY)
    assert excinfo.value.message == (
        f"Sorry, we cannot process {name} credit cards. Only VISA or MasterCard is accepted."
    )
    assert excinfo.value.kind == "declined"


# Non-ASCII digits: str.isdigit() is True for all of them ("٣" Arabic-Indic, "²" superscript).
@pytest.mark.parametrize(
    "number",
    ["4111111111111112", "4111", "4111x11111111111", "", "٤١١١١١١١١١١١١١١١", "411111111111111²"],
)
def test_a_number_failing_luhn_or_shape_is_invalid(number):
    with pytest.raises(CardNumberInvalid) as excinfo:
        card_check(card(number, year=2030), today=TODAY)
    assert excinfo.value.kind == "invalid"
    assert "credit_card_number" in excinfo.value.fields


def test_expiry_before_the_current_month_is_refused_with_the_originals_words():
    with pytest.raises(CardExpired) as excinfo:
        card_check(card(month=1, year=2024), today=TODAY)
    assert excinfo.value.message == "Your credit card (ending 1111) expired on 1/2024"
    assert excinfo.value.kind == "declined"
    assert card_check(card(month=2, year=2024), today=TODAY).last4 == "1111"


@pytest.mark.parametrize("month", [0, 13])
def test_an_impossible_expiry_month_is_invalid(month):
    with pytest.raises(CardExpiryInvalid):
        card_check(card(month=month, year=2030), today=TODAY)


@pytest.mark.parametrize("cvv", ["", "12", "12345", "12a", "١٢٣", "12³", "1 23"])
def test_cvv_must_be_three_or_four_digits(cvv):
    with pytest.raises(CardCvvInvalid, match="3 or 4 digits"):
        card_check(card(cvv=cvv, year=2030), today=TODAY)


@pytest.mark.parametrize("cvv", ["123", "0123"])
def test_three_and_four_digit_cvvs_pass(cvv):
    assert card_check(card(cvv=cvv, year=2030), today=TODAY).brand == "visa"


def test_a_card_never_shows_its_number_or_cvv_in_a_repr():
    assert "4111111111111111" not in repr(card()) and "7295" not in repr(card())
