"""Where things live: sources folder, territory packs, build cache."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKS_DIR = ROOT / "data" / "territoires"
ENV_SOURCES = "CARNET_SOURCES"
ENV_CACHE = "CARNET_CACHE"


def sources_dir() -> Path:
    """Return the sources folder: ``$CARNET_SOURCES``, else ``data/sources/``.

    A relative ``$CARNET_SOURCES`` is taken relative to the current directory.
    """
    env = os.environ.get(ENV_SOURCES)
    return Path(env).resolve() if env else ROOT / "data" / "sources"


def cache_dir() -> Path:
    """Return the build cache folder: ``$CARNET_CACHE``, else ``data/cache/``."""
    env = os.environ.get(ENV_CACHE)
    return Path(env).resolve() if env else ROOT / "data" / "cache"
