"""Operations of the shipping service: all its business rules live here."""
