"""Shared fixtures: the real sources folder and a pack built from it into a temp cache."""

from __future__ import annotations

import os

import pytest

from tests.support import sources_dir


def _build_into(tmp_path_factory, pack_id: str):
    """Build pack ``pack_id`` from the real sources into a fresh cache folder."""
    if sources_dir() is None:
        pytest.skip("CARNET_SOURCES non défini")
    from carnet.build import build

    cache = tmp_path_factory.mktemp(f"cache_{pack_id}")
    old = os.environ.get("CARNET_CACHE")
    os.environ["CARNET_CACHE"] = str(cache)
    try:
        build(pack_id, progress=False)
    finally:
        if old is None:
            os.environ.pop("CARNET_CACHE", None)
        else:
            os.environ["CARNET_CACHE"] = old
    return cache


@pytest.fixture(scope="session")
def built_cache(tmp_path_factory):
    """A cache folder holding the Nord pack built from the real sources."""
    return _build_into(tmp_path_factory, "nord")


@pytest.fixture(scope="session")
def somme_cache(tmp_path_factory):
    """A cache folder holding the Somme pack (territories = its four arrondissements)."""
    return _build_into(tmp_path_factory, "somme")


@pytest.fixture
def nord(built_cache, monkeypatch):
    """The built Nord pack."""
    from carnet.pack import load_pack

    monkeypatch.setenv("CARNET_CACHE", str(built_cache))
    return load_pack("nord")
