"""The shop's one address rule (shop/addresses.py), on its own. That every entry point applies
it alike is proven in checkout/tests/test_address_rule.py."""

import dataclasses

import pytest

from shop.addresses import ADDRESS_FIELDS, AddressInvalid, address_errors, address_validate
from shop.dto import Address

HOME = Address("1600 Amphitheatre Parkway", "Mountain View", "CA", "United States", "94043")


def test_every_address_problem_gets_its_own_message():
    bad = Address(street_address=" ", city="x" * 101, state="", country="", zip_code="")
    with pytest.raises(AddressInvalid) as excinfo:
        address_validate(address=bad)
    assert excinfo.value.fields == {
        "street_address": ["Enter the street address."],
        "city": ["The city can be at most 100 characters long."],
        "country": ["Enter the country."],
        "zip_code": ["Enter the postal code."],
    }
    assert excinfo.value.message.startswith("Please check the shipping address. Enter the street")
    assert excinfo.value.kind == "invalid" and excinfo.value.code == "address_invalid"


def test_the_limits_are_one_set():
    limits = {name: (rule.max_length, rule.required) for name, rule in ADDRESS_FIELDS.items()}
    assert limits == {
        "street_address": (200, True),
        "city": (100, True),
        "state": (100, False),
        "country": (100, True),
        "zip_code": (16, True),
    }


@pytest.mark.parametrize("zip_code", ["94043", "SW1A 1AA", "K1A 0B1", "1010-01", "D02"])
def test_alphanumeric_postal_codes_are_accepted(zip_code):
    cleaned = address_validate(address=dataclasses.replace(HOME, zip_code=f" {zip_code} "))
    assert cleaned.zip_code == zip_code


@pytest.mark.parametrize(
    ("zip_code", "message"),
    [
        ("94043!", "A postal code has only letters, digits, spaces and hyphens."),
        ("-123", "A postal code has only letters, digits, spaces and hyphens."),
        ("9404\n3", "A postal code has only letters, digits, spaces and hyphens."),
        ("1" * 17, "The postal code can be at most 16 characters long."),
    ],
)
def test_a_malformed_postal_code_is_refused(zip_code, message):
    errors = address_errors(address=dataclasses.replace(HOME, zip_code=zip_code))
    assert errors == {"zip_code": [message]}


def test_lengths_are_judged_without_surrounding_spaces():
    padded = dataclasses.replace(HOME, zip_code=f"  {'1' * 16}  ", state=" CA ")
    assert address_errors(address=padded) == {}
    assert address_validate(address=padded) == dataclasses.replace(HOME, zip_code="1" * 16)


def test_the_state_is_optional():
    assert address_errors(address=dataclasses.replace(HOME, state="")) == {}
