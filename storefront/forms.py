"""The checkout form of the storefront, with the original frontend's field names."""

from django import forms
from django.utils import timezone

from shop import addresses, dto

MONTHS = [(month, f"{month:02d}") for month in range(1, 13)]
YEARS_OFFERED = 10


class UnechoedTextInput(forms.TextInput):
    """A visible text input that, like PasswordInput(render_value=False), never writes a
    submitted value back into a page: a refilled form must not echo the card number."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


def _text(autocomplete: str, **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": autocomplete, **attrs})


def _address_field(name: str, autocomplete: str) -> forms.CharField:
    """A field of the shop's one address rule (shop.addresses), with its too-long message."""
    rule = addresses.ADDRESS_FIELDS[name]
    return forms.CharField(
        max_length=rule.max_length,
        required=rule.required,
        error_messages={"max_length": rule.too_long},
        widget=_text(autocomplete),
    )


class CheckoutForm(forms.Form):
    ADDRESS_FIELDS = ("email", "street_address", "zip_code", "city", "state", "country")

    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    street_address = _address_field("street_address", "street-address")
    zip_code = _address_field("zip_code", "postal-code")
    city = _address_field("city", "address-level2")
    state = _address_field("state", "address-level1")
    country = _address_field("country", "country-name")
    # Visible, so the customer can check what they typed, grouped as they typed it (spaces and
    # dashes are accepted); a refilled form never echoes the card number or the CVV.
    credit_card_number = forms.CharField(
        label="Card number",
        max_length=30,
        widget=UnechoedTextInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "placeholder": "1234 5678 9012 3456",
                "spellcheck": "false",
            }
        ),
    )
    credit_card_expiration_month = forms.IntegerField(
        label="Expiry month",
        min_value=1,
        max_value=12,
        widget=forms.Select(choices=MONTHS, attrs={"autocomplete": "cc-exp-month"}),
    )
    credit_card_expiration_year = forms.IntegerField(
        label="Expiry year",
        min_value=2000,
        max_value=2200,
        widget=forms.Select(attrs={"autocomplete": "cc-exp-year"}),
    )
    credit_card_cvv = forms.RegexField(
        r"^[0-9]{3,4}$",  # not \d: it matches "٣" too
        label="CVV",
        error_messages={"invalid": "Enter the 3 or 4 digit security code."},
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.now().year
        years = range(this_year, this_year + YEARS_OFFERED)
        self.fields["credit_card_expiration_year"].widget.choices = [(y, y) for y in years]

    def address_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ADDRESS_FIELDS]

    def payment_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name not in self.ADDRESS_FIELDS]

    def clean(self) -> dict:
        cleaned = super().clean()
        # The rest of the address rule (the postal code's characters), on fields valid so far.
        values = {name: cleaned.get(name) or "" for name in addresses.ADDRESS_FIELDS}
        for name, messages in addresses.address_errors(address=dto.Address(**values)).items():
            if name not in self.errors:
                self.add_error(name, messages)
        return cleaned

    def clean_credit_card_number(self) -> str:
        number = self.cleaned_data["credit_card_number"].replace(" ", "").replace("-", "")
        # ASCII digits only: str.isdigit() is True for "٣" and "²" too.
        if not (number.isascii() and number.isdigit()) or not 12 <= len(number) <= 19:
            raise forms.ValidationError("Enter the 12 to 19 digits of the card number.")
        return number

    @classmethod
    def initial_values(cls) -> dict:
        return {"credit_card_expiration_year": timezone.now().year + 1}

    def address(self) -> dto.Address:
        data = self.cleaned_data
        return dto.Address(
            street_address=data["street_address"],
            city=data["city"],
            state=data["state"],
            country=data["country"],
            zip_code=data["zip_code"],
        )

    def credit_card(self) -> dto.CreditCard:
        data = self.cleaned_data
        return dto.CreditCard(
            number=data["credit_card_number"],
            cvv=data["credit_card_cvv"],
            expiration_year=data["credit_card_expiration_year"],
            expiration_month=data["credit_card_expiration_month"],
        )
