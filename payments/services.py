"""Operations of the payments service: all its business rules live here."""
