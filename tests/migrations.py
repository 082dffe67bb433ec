"""Helpers of the migration tests: an empty database on each engine, and Alembic on it.

``bare_engine`` is a fixture of every test (registered in ``tests/conftest.py``);
``migrate`` is imported where needed.
"""

from __future__ import annotations

import os

import pytest
from alembic import command
from alembic.config import Config

from carnet import db
from tests.projets.conftest import PG_URL, _reset_pg


def migrate(engine, revision: str, down: bool = False) -> None:
    """Upgrade (or downgrade, ``down``) ``engine``'s schema to ``revision``."""
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(db.MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


@pytest.fixture(params=["sqlite", "postgis"])
def bare_engine(request, tmp_path):
    """An engine on an empty database (no table), SQLite then PostGIS."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    else:
        if not PG_URL:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail("CI sans CARNET_TEST_DATABASE_URL")
            pytest.skip("CARNET_TEST_DATABASE_URL non défini : tests PostGIS ignorés")
        _reset_pg(PG_URL)
        engine = db.make_engine(PG_URL)
    yield engine
    engine.dispose()
