"""The registry is read again only when it changed (issue #12 §2), whichever process wrote.

Statements are counted with a SQLAlchemy listener: a second read with no write in between
runs the version query only, never the ``SELECT … FROM projet`` of every project; a write
through another engine (another server process, as behind a reverse proxy) is seen on the
next read.
"""

from __future__ import annotations

from sqlalchemy import event

from carnet import db
from carnet.projets.repository import ProjetRepository
from tests.projets.conftest import sample


def _project_reads(engine) -> list[str]:
    """Statements reading the projects table, recorded from now on."""
    seen: list[str] = []

    def _record(conn, cursor, statement, *args):
        flat = " ".join(statement.split()).lower()
        if flat.startswith("select") and "from projet " in f"{flat} " and "projet_audit" not in flat:
            seen.append(flat)

    event.listen(engine, "before_cursor_execute", _record)
    return seen


def test_frame_is_read_once_until_a_write_in_another_process(engine, ctx):
    repo = ProjetRepository(engine, ctx)
    first = repo.create(sample(titre="Maison de santé"), user="marie")
    other_engine = db.make_engine(engine.url.render_as_string(hide_password=False))
    other = ProjetRepository(other_engine, ctx)  # another process on the same database
    try:
        reads = _project_reads(engine)
        df = repo.dataframe("nord")
        assert list(df["titre"]) == ["Maison de santé"] and len(reads) == 1
        again = repo.dataframe("nord")
        assert len(reads) == 1  # nothing changed: no read of the projects
        again.loc[0, "titre"] = "modifié par la page"  # a caller's change never leaks back
        assert list(repo.dataframe("nord")["titre"]) == ["Maison de santé"]

        other.update(first["id"], {"titre": "Maison de santé pluridisciplinaire"},
                     expected_version=first["version"], user="paul")
        assert list(repo.dataframe("nord")["titre"]) == ["Maison de santé pluridisciplinaire"]
        assert len(reads) == 2
        other.create(sample(titre="Béguinage", ref="B-1"), user="paul")
        other.delete(first["id"], user="paul")
        assert list(repo.dataframe("nord")["titre"]) == ["Béguinage"]
        assert list(repo.dataframe("nord", include_deleted=True)["titre"]) == [
            "Maison de santé pluridisciplinaire", "Béguinage"]
    finally:
        other_engine.dispose()


def test_version_grows_with_every_kind_of_write(repo):
    v0 = repo.version()
    p = repo.create(sample(), user="marie")
    v1 = repo.version()
    repo.update(p["id"], {"titre": "Autre"}, expected_version=p["version"], user="marie")
    v2 = repo.version()
    repo.delete(p["id"], user="marie")
    v3 = repo.version()
    repo.restore(p["id"], user="marie")
    v4 = repo.version()
    repo.create_many([sample(ref="A-1"), sample(ref="A-2")], user="marie")
    v5 = repo.version()
    assert v0 < v1 < v2 < v3 < v4 < v5
    assert v0 == (0, 0) and v5[0] == 6  # one audit row per write, two for the batch of two
