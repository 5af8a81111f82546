"""Stored data of the checkout service."""
