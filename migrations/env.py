"""Alembic environment of the projects registry.

Uses the connection passed by ``carnet.db.upgrade`` when there is one,
otherwise builds an engine from ``CARNET_DATABASE_URL`` (or the default SQLite file).
"""

from __future__ import annotations

from alembic import context

import carnet.contrat.models  # noqa: F401 - declares the tables on Base
import carnet.projets.models  # noqa: F401 - declares the tables on Base
from carnet.db.base import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit SQL to stdout without a database."""
    from carnet.db import get_database_url

    context.configure(url=get_database_url(), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from carnet.db import get_database_url, make_engine

    engine = make_engine(get_database_url())
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
