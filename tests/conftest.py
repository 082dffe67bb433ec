"""Shared fixtures: the real sources folder and a pack built from it into a temp cache."""

from __future__ import annotations

import os

import pytest

from tests.migrations import bare_engine  # noqa: F401 - an empty database on each engine
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


@pytest.fixture
def tiny_pack(tmp_path, monkeypatch):
    """The tiny pack of :mod:`tests.fixtures`, written under ``tmp_path`` and made current.

    ``carnet.paths.PACKS_DIR`` points at its config, ``$CARNET_CACHE`` at its cache and
    ``$CARNET_PACK`` at its id (for the app), ``$CARNET_SOURCES`` at a folder that does not
    exist (nothing reads the real sources); returns the :class:`tests.fixtures.TinyPack`.
    """
    from carnet import paths
    from tests.fixtures import make_pack

    t = make_pack(tmp_path)
    monkeypatch.setattr(paths, "PACKS_DIR", t.packs_dir)
    monkeypatch.setenv("CARNET_CACHE", str(t.cache_dir))
    monkeypatch.setenv("CARNET_PACK", t.id)
    monkeypatch.setenv("CARNET_SOURCES", str(tmp_path / "pas-de-sources"))
    return t


@pytest.fixture
def tiny(tiny_pack):
    """The tiny pack, loaded (:class:`carnet.pack.Pack`)."""
    from carnet.pack import load_pack

    return load_pack(tiny_pack.id)


# --- tiers ---------------------------------------------------------------------------
# ``make test-fast`` runs ``-m fast``: every test that needs neither the real sources, nor a
# browser, nor PostGIS, and is not marked ``slow`` (a multi-process race). A test leaves the
# fast tier by its markers, or here by the fixtures it uses (the real packs need the sources,
# the PostGIS half of ``engine`` needs a database) or its name (``…postgis…``); every other
# test is marked ``fast``.
_SOURCE_FIXTURES = {"built_cache", "somme_cache"}
_SLOW_MARKS = {"integration", "browser", "postgis", "slow"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & _SOURCE_FIXTURES:
            item.add_marker(pytest.mark.integration)
        callspec = getattr(item, "callspec", None)
        if "postgis" in item.name.lower() or (callspec is not None
                                              and "postgis" in callspec.params.values()):
            item.add_marker(pytest.mark.postgis)
        if any(m.name == "skipif" and "CARNET_SOURCES" in str(m.kwargs.get("reason", ""))
               for m in item.iter_markers()):
            item.add_marker(pytest.mark.integration)
        if not any(item.get_closest_marker(m) for m in _SLOW_MARKS):
            item.add_marker(pytest.mark.fast)
