"""Stored data of the ads service."""
