"""Streamlit refuses, before the upload, what the importer would refuse after it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from carnet.projets.importer import MAX_UPLOAD_BYTES

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_upload_limit_is_the_import_limit():
    """Streamlit's default (200 Mo) let a 50 Mo file upload for 54 s, then be refused."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    limit_mb = config["server"]["maxUploadSize"]
    assert limit_mb * 1024 * 1024 == MAX_UPLOAD_BYTES == 20 * 2**20  # Streamlit: MiB
