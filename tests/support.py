"""Helpers shared by the test modules (import as ``tests.support``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def sources_dir() -> Path | None:
    """The real sources folder from ``$CARNET_SOURCES``, or None when absent."""
    env = os.environ.get("CARNET_SOURCES")
    if not env:
        return None
    p = Path(env).resolve()
    return p if p.exists() else None


needs_sources = pytest.mark.skipif(
    sources_dir() is None, reason="CARNET_SOURCES non défini : tests d'intégration ignorés"
)
