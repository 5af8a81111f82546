"""Stored data of the shipping service."""
