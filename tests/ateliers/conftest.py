"""Fixtures of the ateliers tests: a migrated database on each backend, an open atelier."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest

from carnet import db
from carnet.ateliers.repository import AtelierRepository
from tests.projets.conftest import PG_URL, _reset_pg

HOSTILE = ["<img src=x onerror=alert(1)>", "{{ 7*7 }}", "=HYPERLINK(\"x\";\"clic\")",
           "**gras**"]


@pytest.fixture(params=["sqlite", "postgis"])
def engine(request, tmp_path):
    """A migrated engine on a fresh database, for each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ateliers.sqlite'}"
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


@pytest.fixture
def repo(engine) -> AtelierRepository:
    return AtelierRepository(engine)


@pytest.fixture
def atelier(repo) -> dict:
    """An atelier of the Cambrésis open from yesterday to tomorrow."""
    today = date.today()
    return repo.open_atelier("nord", "cambresis", "Atelier mobilités", today - timedelta(days=1),
                             today + timedelta(days=1), "marie", "editor")


TOKEN = "t" * 32
