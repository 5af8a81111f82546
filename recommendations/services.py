"""Operations of the recommendations service: all its business rules live here."""
