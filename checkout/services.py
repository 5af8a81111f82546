"""Operations of the checkout service: all its business rules live here."""
