"""Database connection: URL, engine (SQLite in WAL mode or PostgreSQL) and migrations."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text

REPO_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = REPO_ROOT / "migrations"
DEFAULT_SQLITE = REPO_ROOT / "data" / "cache" / "projets.sqlite"
ENV_URL = "CARNET_DATABASE_URL"

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def get_database_url() -> str:
    """Return the configured database URL.

    Returns
    -------
    str
        ``$CARNET_DATABASE_URL`` or the default SQLite file ``data/cache/projets.sqlite``.
    """
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    DEFAULT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite files get WAL, foreign keys and a busy timeout.

    Parameters
    ----------
    url : str
        SQLAlchemy URL (``sqlite:///file`` or ``postgresql+psycopg://...``).

    Returns
    -------
    sqlalchemy.Engine
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def get_engine(url: str | None = None) -> Engine:
    """Return the (cached) engine for ``url``, creating/upgrading the schema once.

    Parameters
    ----------
    url : str, optional
        Defaults to :func:`get_database_url`.

    Returns
    -------
    sqlalchemy.Engine
    """
    url = url or get_database_url()
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = make_engine(url)
            upgrade(engine)
            _ENGINES[url] = engine
        return engine


def dispose_all() -> None:
    """Dispose and forget every cached engine (tests)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def has_postgis(engine: Engine) -> bool:
    """Tell whether the ``projet`` table has the PostGIS ``geom`` column."""
    if engine.dialect.name != "postgresql":
        return False
    sql = text("SELECT 1 FROM information_schema.columns "
               "WHERE table_name = 'projet' AND column_name = 'geom'")
    with engine.connect() as conn:
        return conn.execute(sql).scalar() == 1
