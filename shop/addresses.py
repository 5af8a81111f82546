"""The shop's one postal-address rule: which fields are required, how long each may be, which
characters a postal code may have. Every entry point (storefront form, REST serializers, the
checkout and shipping services, the gRPC client edge) asks this module, so an address is refused
or accepted alike wherever it is sent. Why these limits: docs/decisions.md, "One address rule".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shop.dto import Address
from shop.errors import InvalidArgument


@dataclass(frozen=True, slots=True)
class AddressField:
    label: str  # what the customer calls it
    max_length: int
    required: bool

    @property
    def missing(self) -> str:
        return f"Enter the {self.label}."

    @property
    def too_long(self) -> str:
        return f"The {self.label} can be at most {self.max_length} characters long."


# The longest real postal codes have 10 or 11 characters (US ZIP+4 "94043-1351", Iran
# "11936-53471"); 16 leaves room for a country prefix and matches ISO 20022's postal code
# (Max16Text). The other lengths are the order table's columns, the narrowest store.
ADDRESS_FIELDS: dict[str, AddressField] = {
    "street_address": AddressField("street address", 200, True),
    "city": AddressField("city", 100, True),
    "state": AddressField("state", 100, False),
    "country": AddressField("country", 100, True),
    "zip_code": AddressField("postal code", 16, True),
}
# Letters, digits, inner spaces and hyphens: 94043, SW1A 1AA, 75008, 1010-01, K1A 0B1.
_POSTAL_CODE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 -]*[A-Za-z0-9])?")
POSTAL_CODE_CHARACTERS = "A postal code has only letters, digits, spaces and hyphens."


class AddressInvalid(InvalidArgument):
    code = "address_invalid"

    @classmethod
    def of(cls, errors: dict[str, list[str]]) -> AddressInvalid:
        """The error naming every problem (each field's first message) in one sentence."""
        problems = " ".join(messages[0] for messages in errors.values())
        return cls(f"Please check the shipping address. {problems}", fields=errors)


def address_strip(*, address: Address) -> Address:
    """The address without surrounding spaces (a missing value read as empty)."""
    return Address(
        street_address=(address.street_address or "").strip(),
        city=(address.city or "").strip(),
        state=(address.state or "").strip(),
        country=(address.country or "").strip(),
        zip_code=(address.zip_code or "").strip(),
    )


def address_errors(*, address: Address) -> dict[str, list[str]]:
    """Each problem of the address by field name; empty when it is valid. Values are judged
    without their surrounding spaces, as every entry point stores them."""
    return _stripped_errors(address_strip(address=address))


def address_validate(*, address: Address) -> Address:
    """The address without surrounding spaces, or AddressInvalid naming every problem."""
    # Stripped once, judged and returned (a quote and a shipment ask this on every call).
    stripped = address_strip(address=address)
    errors = _stripped_errors(stripped)
    if errors:
        raise AddressInvalid.of(errors)
    return stripped


def address_given(address: Address | None) -> bool:
    """Whether any field of the address has a value (a quote's address is optional: the cart
    page quotes before one is entered)."""
    return address is not None and any(
        (address.street_address, address.city, address.state, address.country, address.zip_code)
    )


def _stripped_errors(stripped: Address) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, rule in ADDRESS_FIELDS.items():
        value = getattr(stripped, name)
        if rule.required and not value:
            errors[name] = [rule.missing]
        elif len(value) > rule.max_length:
            errors[name] = [rule.too_long]
    # The postal code is required, so one not refused above has characters to check.
    if "zip_code" not in errors and not _POSTAL_CODE.fullmatch(stripped.zip_code):
        errors["zip_code"] = [POSTAL_CODE_CHARACTERS]
    return errors
