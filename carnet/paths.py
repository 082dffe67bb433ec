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


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file of the same folder and a rename:
    the file is either the old one or the whole new one, never half-written."""
    import os
    import tempfile

    out = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=out.suffix, dir=out.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
