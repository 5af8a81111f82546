"""Operations of the catalog service: all its business rules live here."""
