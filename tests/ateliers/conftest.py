"""Fixtures of the ateliers tests: a migrated database on each backend, an open atelier."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carnet.ateliers.repository import AtelierRepository
from tests.carnets.conftest import engine  # noqa: F401 - a migrated database on each backend

HOSTILE = ["<img src=x onerror=alert(1)>", "{{ 7*7 }}", "=HYPERLINK(\"x\";\"clic\")",
           "**gras**"]


@pytest.fixture
def repo(engine) -> AtelierRepository:  # noqa: F811 - the imported fixture
    return AtelierRepository(engine)


@pytest.fixture
def atelier(repo) -> dict:
    """An atelier of the Cambrésis open from yesterday to tomorrow."""
    today = date.today()
    return repo.open_atelier("nord", "cambresis", "Atelier mobilités", today - timedelta(days=1),
                             today + timedelta(days=1), "marie", "editor")


TOKEN = "t" * 32
