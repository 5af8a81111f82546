"""Read queries of the recommendations service."""
