"""How each currency is written (Money.format): the few rules of its display locale, taken from
Babel/CLDR once and kept here as a table.

Why not Babel at run time: formatting one amount in a locale loads all of that locale's CLDR
data (its language and territory names, calendars, units...), about 4.5 MiB for the first
locale of a process and 1 MiB for each further one, in every gunicorn worker, while a price
needs six strings of it (docs/decisions.md, "What a gunicorn worker loads"). A test formats
amounts of every currency here both ways and holds the table to Babel's output; after a Babel or
CLDR upgrade, regenerate the table with `python -m shop.money_display` and paste it below.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Stands for the currency's symbol in a CLDR pattern's prefix or suffix.
SYMBOL = "¤"


@dataclass(frozen=True, slots=True)
class DisplayForm:
    """One locale's currency pattern, with the currency's symbol in place of ¤: what comes before
    and after the digits of a positive and of a negative amount, the decimal and group
    separators, and the sizes of the last group of digits and of the groups before it (3 and 2
    in India's 1,23,456.50)."""

    positive: tuple[str, str]
    negative: tuple[str, str]
    decimal: str
    group: str
    grouping: tuple[int, int] = (3, 3)

    def format(self, amount: Decimal, digits: int) -> str:
        """`amount` (already rounded to `digits` fraction digits) in this form."""
        # As Babel: an amount rounded to zero from below keeps its minus sign.
        prefix, suffix = self.negative if amount.is_signed() else self.positive
        integer, _, fraction = f"{abs(amount):.{digits}f}".partition(".")
        number = self._grouped(integer) + (self.decimal + fraction if fraction else "")
        return prefix + number + suffix

    def _grouped(self, integer: str) -> str:
        last, earlier = self.grouping
        if len(integer) <= last:
            return integer
        head, groups = integer[:-last], [integer[-last:]]
        while len(head) > earlier:
            head, groups = head[:-earlier], [head[-earlier:], *groups]
        return self.group.join([head, *groups])


# Currency -> its form in its display locale (shop/money.py DISPLAY_LOCALES says which locale
# and why), as `python -m shop.money_display` prints it.
DISPLAY_FORMS: dict[str, DisplayForm] = {
    "USD": DisplayForm(("$", ""), ("-$", ""), decimal=".", group=",", grouping=(3, 3)),
    "EUR": DisplayForm(("", "\xa0€"), ("-", "\xa0€"), decimal=",", group=".", grouping=(3, 3)),
    "JPY": DisplayForm(("¥", ""), ("-¥", ""), decimal=".", group=",", grouping=(3, 3)),
    "GBP": DisplayForm(("£", ""), ("-£", ""), decimal=".", group=",", grouping=(3, 3)),
    "CAD": DisplayForm(("CA$", ""), ("-CA$", ""), decimal=".", group=",", grouping=(3, 3)),
    "TRY": DisplayForm(("₺", ""), ("-₺", ""), decimal=",", group=".", grouping=(3, 3)),
    "CHF": DisplayForm(("CHF\xa0", ""), ("CHF-", ""), decimal=".", group="’", grouping=(3, 3)),
    "AUD": DisplayForm(("A$", ""), ("-A$", ""), decimal=".", group=",", grouping=(3, 3)),
    "NZD": DisplayForm(("NZ$", ""), ("-NZ$", ""), decimal=".", group=",", grouping=(3, 3)),
    "MXN": DisplayForm(("MX$", ""), ("-MX$", ""), decimal=".", group=",", grouping=(3, 3)),
    "CNY": DisplayForm(("CN¥", ""), ("-CN¥", ""), decimal=".", group=",", grouping=(3, 3)),
    "HKD": DisplayForm(("HK$", ""), ("-HK$", ""), decimal=".", group=",", grouping=(3, 3)),
    "INR": DisplayForm(("₹", ""), ("-₹", ""), decimal=".", group=",", grouping=(3, 2)),
    "KRW": DisplayForm(("₩", ""), ("-₩", ""), decimal=".", group=",", grouping=(3, 3)),
    "BRL": DisplayForm(("R$\xa0", ""), ("-R$\xa0", ""), decimal=",", group=".", grouping=(3, 3)),
    "ZAR": DisplayForm(("R", ""), ("-R", ""), decimal=",", group="\xa0", grouping=(3, 3)),
    "PLN": DisplayForm(("", "\xa0zł"), ("-", "\xa0zł"), decimal=",", group="\xa0", grouping=(3, 3)),
    "CZK": DisplayForm(("", "\xa0Kč"), ("-", "\xa0Kč"), decimal=",", group="\xa0", grouping=(3, 3)),
    "HUF": DisplayForm(("", "\xa0Ft"), ("-", "\xa0Ft"), decimal=",", group="\xa0", grouping=(3, 3)),
    "RON": DisplayForm(("", "\xa0RON"), ("-", "\xa0RON"), decimal=",", group=".", grouping=(3, 3)),
    "BGN": DisplayForm(
        ("", "\xa0лв."), ("-", "\xa0лв."), decimal=",", group="\xa0", grouping=(3, 3)
    ),
    "ILS": DisplayForm(("₪", ""), ("-₪", ""), decimal=".", group=",", grouping=(3, 3)),
    "IDR": DisplayForm(("Rp", ""), ("-Rp", ""), decimal=",", group=".", grouping=(3, 3)),
    "MYR": DisplayForm(("RM", ""), ("-RM", ""), decimal=".", group=",", grouping=(3, 3)),
    "PHP": DisplayForm(("₱", ""), ("-₱", ""), decimal=".", group=",", grouping=(3, 3)),
    "THB": DisplayForm(("฿", ""), ("-฿", ""), decimal=".", group=",", grouping=(3, 3)),
}


def fallback_form(currency: str) -> DisplayForm:
    """Every other currency: its ISO code, a no-break space and en_US separators."""
    return DisplayForm((f"{currency}\xa0", ""), (f"-{currency}\xa0", ""), decimal=".", group=",")


def generated_table() -> str:
    """The DISPLAY_FORMS entries as Babel derives them from CLDR, one line of Python each."""
    from babel import Locale
    from babel.numbers import get_currency_symbol

    from shop.money import DISPLAY_LOCALES

    lines = []
    for currency, locale_name in DISPLAY_LOCALES.items():
        locale = Locale.parse(locale_name)
        pattern = locale.currency_formats["standard"]
        symbols = locale.number_symbols[locale.default_numbering_system]
        symbol = get_currency_symbol(currency, locale)
        positive = tuple(
            part.replace(SYMBOL, symbol) for part in pattern.prefix[:1] + pattern.suffix[:1]
        )
        negative = tuple(
            part.replace(SYMBOL, symbol) for part in pattern.prefix[1:] + pattern.suffix[1:]
        )
        lines.append(
            f'    "{currency}": DisplayForm({positive!r}, {negative!r}, '
            f"decimal={symbols['decimal']!r}, group={symbols['group']!r}, "
            f"grouping={pattern.grouping!r}),"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(generated_table())
