"""Stored data of the recommendations service."""
