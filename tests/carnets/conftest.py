"""Fixtures of the carnet tests: a migrated database on each backend (SQLite, PostGIS)."""

from __future__ import annotations

import os

import pytest

from carnet import db
from tests.projets.conftest import PG_URL, _reset_pg


@pytest.fixture(params=["sqlite", "postgis"])
def engine(request, tmp_path):
    """A migrated engine on a fresh database, for each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'carnet.sqlite'}"
    else:
        if not PG_URL:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail("CI sans CARNET_TEST_DATABASE_URL")
            pytest.skip("CARNET_TEST_DATABASE_URL non défini : tests PostGIS ignorés")
        url = PG_URL
        _reset_pg(url)
    eng = db.get_engine(url)
    yield eng
    db.dispose_all()
