"""Fixtures of the browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import chromium, require_map_assets, server_env, streamlit_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module; screenshots go to ``test-artifacts/``."""
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def editor_app(built_cache, tmp_path_factory):
    """(base URL, folder) of the app on the Nord pack, a fresh SQLite registry in the folder
    and the editor account of :data:`tests.support.EDITOR`."""
    require_map_assets()
    tmp = tmp_path_factory.mktemp("app")
    with streamlit_app(server_env(built_cache, tmp), ROOT) as url:
        yield url, tmp
