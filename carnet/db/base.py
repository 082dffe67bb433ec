"""Declarative base shared by every table of the application's database.

The projects registry (:mod:`carnet.projets.models`) and the login store declare their
tables on it; ``migrations/env.py`` imports the models so that Alembic sees them all.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of the application's tables."""
