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


# The locale whose conventions a customer paying in a currency expects: digits, separators, the
# symbol and its place (CLDR). The codes of the shop's rate table (the ECB feed) are listed.
# Where the home locale's symbol is one another currency of the shop also uses ("$" for CAD in
# en_CA, AUD in en_AU...; "¥" for CNY in zh_CN), en_US is taken: the same separators as the home
# English locale, with an unmistakable symbol (CA$, A$, NZ$, MX$, CN¥). A test keeps the shown
# symbols distinct.
DISPLAY_LOCALES = {
    "USD": "en_US",  # $1,234.50
    "EUR": "de_DE",  # 1.234,50 €
    "JPY": "en_US",  # ¥1,234 (ja_JP writes the full-width ￥ of Japanese text)
    "GBP": "en_GB",  # £1,234.50
    "CAD": "en_US",  # CA$1,234.50
    "TRY": "tr_TR",  # ₺1.234,50
    "CHF": "de_CH",  # CHF 1’234.50
    "AUD": "en_US",  # A$1,234.50
    "NZD": "en_US",  # NZ$1,234.50
    "MXN": "en_US",  # MX$1,234.50
    "CNY": "en_US",  # CN¥1,234.50
    "HKD": "en_HK",  # HK$1,234.50
    "INR": "en_IN",  # ₹1,23,456.50
    "KRW": "ko_KR",  # ₩1,234
    "BRL": "pt_BR",  # R$ 1.234,50
    "ZAR": "en_ZA",  # R1 234,50
    "PLN": "pl_PL",  # 1 234,50 zł
    "CZK": "cs_CZ",  # 1 234,50 Kč
    "HUF": "hu_HU",  # 1 234,50 Ft
    "RON": "ro_RO",  # 1.234,50 RON
    "BGN": "bg_BG",  # 1 234,50 лв.
    "ILS": "en_IL",  # ₪1,234.50
    "IDR": "id_ID",  # Rp1.234,50
    "MYR": "ms_MY",  # RM1,234.50
    "PHP": "en_PH",  # ₱1,234.50
    "THB": "th_TH",  # ฿1,234.50
}
# Every other code (SEK, NOK, DKK and ISK all write "kr"; SGD's "$"; BHD...): fallback_form.


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


# Currency -> its form in its display locale, as `python -m shop.money_display` prints it.
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
