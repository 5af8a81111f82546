"""The checkout form of the storefront, with the original frontend's field names."""

from django import forms
from django.utils import timezone

from shop import dto


class CheckoutForm(forms.Form):
    email = forms.EmailField(max_length=254)
    street_address = forms.CharField(max_length=200)
    zip_code = forms.CharField(max_length=20)
    city = forms.CharField(max_length=100)
    state = forms.CharField(max_length=100, required=False)
    country = forms.CharField(max_length=100)
    # render_value=False: a refilled form never echoes the card number or the CVV.
    credit_card_number = forms.CharField(
        max_length=30, widget=forms.PasswordInput(render_value=False)
    )
    credit_card_expiration_month = forms.IntegerField(min_value=1, max_value=12)
    credit_card_expiration_year = forms.IntegerField(min_value=2000, max_value=2200)
    credit_card_cvv = forms.RegexField(
        r"^\d{3,4}$",
        error_messages={"invalid": "Enter the 3 or 4 digit security code."},
        widget=forms.PasswordInput(render_value=False),
    )

    def clean_credit_card_number(self) -> str:
        number = self.cleaned_data["credit_card_number"].replace(" ", "").replace("-", "")
        if not number.isdigit() or not 12 <= len(number) <= 19:
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
