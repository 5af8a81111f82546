"""The currency service's own errors, importable without the ORM: the client imports them, so a
process that only calls the currency service remotely still raises the error a local call
raises."""

from shop.errors import InvalidArgument


class UnsupportedCurrency(InvalidArgument):
    code = "unsupported_currency"

    def __init__(self, currency: str):
        self.currency = currency
        super().__init__(
            f"The currency {currency!r} is not supported.",
            fields={"currency": [f"{currency!r} is not a supported currency code."]},
        )
