"""Operations of the ads service: all its business rules live here."""
