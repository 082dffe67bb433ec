"""Without a built pack, the app says how to build it (no sources needed)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_missing_pack_shows_build_command(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CARNET_CACHE", str(tmp_path / "vide"))
    monkeypatch.delenv("CARNET_SOURCES", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "n'est pas construit" in at.error[0].value
    assert "python -m carnet build --pack nord" in at.code[0].value
