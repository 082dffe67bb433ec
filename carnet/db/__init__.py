"""Database connection: URL, engine (SQLite in WAL mode or PostgreSQL) and migrations.

Shared infrastructure of the application (projects registry, logins, and what comes
next): the declarative base is :mod:`carnet.db.base`, the migrations ``migrations/``.
"""

from __future__ import annotations

import contextlib
import os
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text

REPO_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = REPO_ROOT / "migrations"
DEFAULT_SQLITE = REPO_ROOT / "data" / "cache" / "projets.sqlite"
ENV_URL = "CARNET_DATABASE_URL"

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()
#: Key of the PostgreSQL advisory lock taken around migrations (any 64-bit integer that
#: no other application of the database uses; here a CRC of the name).
MIGRATION_LOCK_KEY = zlib.crc32(b"carnet-de-territoire:migrations")


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


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Exclusive lock on ``path`` across processes (``flock``; ``msvcrt`` on Windows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            import msvcrt
            import time

            while True:
                try:
                    msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def sqlite_lock_path(engine: Engine) -> Path | None:
    """The lock file guarding the migrations of a SQLite file (None for in-memory)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database).resolve().with_name(Path(database).name + ".migrations.lock")


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision, one process at a time.

    Two processes starting on a fresh database at once (two app workers, the app and
    the CLI) must not both create the tables ("table projet already exists"). The
    upgrade therefore runs under a lock: on PostgreSQL a transaction-level advisory
    lock (``pg_advisory_xact_lock``, released at commit), taken in the migration's own
    transaction before Alembic reads ``alembic_version``; on SQLite an exclusive lock on
    a file beside the database (``<base>.migrations.lock``), since SQLite runs DDL
    outside the driver's transactions. The second process then finds the schema at
    head and does nothing.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    lock_path = sqlite_lock_path(engine) if engine.dialect.name == "sqlite" else None
    with _file_lock(lock_path) if lock_path else contextlib.nullcontext(), \
            engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                         {"key": MIGRATION_LOCK_KEY})
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
