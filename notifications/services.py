"""Operations of the notifications service: all its business rules live here."""
