"""Fixtures of the projects tests: tiny in-code territory and engines (SQLite, PostGIS)."""

from __future__ import annotations

import os

import geopandas as gpd
import pytest
from shapely.geometry import box
from sqlalchemy import text

from carnet import db
from carnet.projets.repository import ProjetRepository
from carnet.projets.territory import TerritoryContext

PG_URL = os.environ.get("CARNET_TEST_DATABASE_URL", "").strip()

# (code, nom, epci, epci_nom, territoire, territoire_nom, lon, lat): squares of 0.06°
COMMUNES = [
    ("59122", "Cambrai", "200068500", "CA de Cambrai", "cambresis", "Cambrésis", 3.235, 50.175),
    ("59139", "Caudry", "200030393", "CC du Caudrésis", "cambresis", "Cambrésis", 3.41, 50.125),
    ("59136", "Le Cateau-Cambrésis", "200030393", "CC du Caudrésis", "cambresis", "Cambrésis",
     3.54, 50.105),
    ("59350", "Lille", "200093201", "Métropole Européenne de Lille", "metropole-lilloise",
     "Métropole lilloise", 3.06, 50.63),
]


#: More Cambrésis communes for the import tests: a "Saint-…" commune that absorbed a
#: former commune (Escaufourt, 02285 → Saint-Souplet, as in the COG), two "Villers-…".
TECH_COMMUNES = [
    ("59545", "Saint-Souplet", "200030393", "CC du Caudrésis", "cambresis", "Cambrésis",
     3.50, 50.035),
    ("59624", "Villers-Outréaux", "200030393", "CC du Caudrésis", "cambresis", "Cambrésis",
     3.30, 50.03),
    ("59622", "Villers-en-Cauchies", "200068500", "CA de Cambrai", "cambresis", "Cambrésis",
     3.40, 50.22),
]
#: Former communes (COG "communes associées/déléguées") → the commune they joined.
FORMER_COMMUNES = {"02285": {"nom": "Escaufourt", "commune": "59545"},
                   "59355": {"nom": "Lomme", "commune": "59350"}}


def make_communes(extra: bool = False) -> gpd.GeoDataFrame:
    """Tiny communes GeoDataFrame with the pack's columns (``extra``: TECH_COMMUNES too)."""
    rows = []
    for code, nom, epci, epci_nom, tid, tnom, lon, lat in COMMUNES + (
            TECH_COMMUNES if extra else []):
        rows.append({"code": code, "nom": nom, "epci": epci, "epci_nom": epci_nom,
                     "territoire": tid, "territoire_nom": tnom, "centre_lon": lon,
                     "centre_lat": lat, "geometry": box(lon - 0.03, lat - 0.03,
                                                        lon + 0.03, lat + 0.03)})
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def nord_territoires() -> dict[str, str]:
    """The Nord pack's contract territories, as its territoire.toml lists them."""
    from carnet.config import load_config

    return {t.id: t.nom for t in load_config("nord").territoires}


@pytest.fixture
def ctx() -> TerritoryContext:
    return TerritoryContext(pack_id="nord", communes=make_communes(),
                            territoires=nord_territoires())


@pytest.fixture
def tech_ctx() -> TerritoryContext:
    """The tiny territory with the import tests' communes and former communes."""
    return TerritoryContext(pack_id="nord", communes=make_communes(extra=True),
                            territoires=nord_territoires(),
                            former_communes=dict(FORMER_COMMUNES))


@pytest.fixture
def tech_repo(engine, tech_ctx) -> ProjetRepository:
    return ProjetRepository(engine, tech_ctx)


def _reset_pg(url: str) -> None:
    """Drop every table of the test database but PostGIS's own (``spatial_ref_sys``)."""
    from sqlalchemy import inspect

    engine = db.make_engine(url)
    with engine.begin() as conn:
        names = [n for n in inspect(conn).get_table_names() if n != "spatial_ref_sys"]
        if names:
            conn.execute(text("DROP TABLE IF EXISTS "
                              + ", ".join(f'"{n}"' for n in names) + " CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgis"])
def engine(request, tmp_path):
    """A migrated engine on a fresh database, for each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'projets.sqlite'}"
    else:
        if not PG_URL:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail("CI sans CARNET_TEST_DATABASE_URL : la moitié PostGIS du corpus "
                            "d'import et du registre ne doit pas être ignorée (.ci/postgis.sh)")
            pytest.skip("CARNET_TEST_DATABASE_URL non défini : tests PostGIS ignorés")
        url = PG_URL
        _reset_pg(url)
    eng = db.get_engine(url)
    yield eng
    db.dispose_all()


@pytest.fixture
def repo(engine, ctx) -> ProjetRepository:
    return ProjetRepository(engine, ctx)


def sample(**over) -> dict:
    """A valid raw project in Cambrai."""
    data = {"titre": "Collège à Cambrai", "orientation": "1", "statut": "engagé",
            "categorie": "mod", "commune": "59122", "territoire": "cambresis",
            "cout_total": "1 200 000,50", "participation_cd": 800000, "annee_debut": 2012,
            "annee_fin": 2016, "maitre_ouvrage": "Département du Nord"}
    data.update(over)
    return data


@pytest.fixture
def page_repo(tmp_path, ctx, monkeypatch):
    """A SQLite registry on the tiny territory, served to ``pages/plan_actions.py``."""
    import carnet.ui.projets as ui

    repo = ProjetRepository(db.get_engine(f"sqlite:///{tmp_path / 'p.sqlite'}"), ctx)
    monkeypatch.setattr(ui, "repository", lambda: repo)
    yield repo
    db.dispose_all()
