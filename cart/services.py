"""Operations of the cart service: all its business rules live here."""
