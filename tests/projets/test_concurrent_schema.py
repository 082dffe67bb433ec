"""Two real processes creating the schema (and seeding) on a fresh database at once (#8 §5).

Each child imports everything first, then waits for a "go" file, so both hit the empty
database together; both must succeed, with no "already exists" anywhere, one schema at
head and each seed project once. Run on SQLite and (when configured) PostGIS.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from carnet import db
from carnet.projets.seed import seed_records
from tests.projets.conftest import PG_URL, _reset_pg

ROOT = Path(__file__).resolve().parents[2]
HEAD = sorted(p.stem for p in (ROOT / "migrations" / "versions").glob("0*.py"))[-1]
CHILD = r"""
import os, sys, time
from pathlib import Path
from carnet.db import get_engine
from carnet.projets.repository import ProjetRepository
from carnet.projets.seed import ensure_seed
go = Path(sys.argv[2])
Path(sys.argv[3]).touch()  # ready
while not go.exists():
    time.sleep(0.002)
repo = ProjetRepository(get_engine(sys.argv[1]))
print("seeded", ensure_seed(repo, "nord"))
"""


def _race(url: str, tmp: Path, rounds: int, reset) -> None:
    n_seed = len(seed_records("nord"))
    assert n_seed > 0
    for i in range(rounds):
        reset(i)
        go = tmp / f"go{i}"
        ready = [tmp / f"ready{i}_{k}" for k in range(2)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = [subprocess.Popen([sys.executable, "-c", CHILD, url(i), str(go), str(r)],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for r in ready]
        while not all(r.exists() for r in ready):
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.01)
        go.touch()
        outs = [p.communicate(timeout=120) for p in procs]
        for p, (_out, err) in zip(procs, outs, strict=True):
            assert p.returncode == 0, err[-3000:]
            assert "already exists" not in err and "existe déjà" not in err, err[-3000:]
        seeded = sorted(int(out.split()[-1]) for out, _ in outs)
        assert seeded in ([0, n_seed], [n_seed, 0]), outs  # one process seeded, once
        engine = db.make_engine(url(i))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() \
                == [HEAD]
            assert conn.execute(text("SELECT count(*) FROM projet")).scalar() == n_seed
            assert conn.execute(text("SELECT count(DISTINCT ref) FROM projet")).scalar() == n_seed
        engine.dispose()


@pytest.mark.slow  # eight interpreters racing: the tier « fast » leaves it to make test
def test_two_processes_create_the_sqlite_schema_at_once(tmp_path):
    _race(lambda i: f"sqlite:///{tmp_path / f'fresh{i}.sqlite'}", tmp_path, 4, lambda i: None)


def test_two_processes_create_the_postgis_schema_at_once(tmp_path):
    if not PG_URL:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI sans CARNET_TEST_DATABASE_URL : moitié PostGIS non exécutée")
        pytest.skip("CARNET_TEST_DATABASE_URL non défini : tests PostGIS ignorés")
    db.dispose_all()
    _race(lambda i: PG_URL, tmp_path, 3, lambda i: _reset_pg(PG_URL))
    _reset_pg(PG_URL)


def test_sqlite_lock_file_sits_beside_the_database(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert db.sqlite_lock_path(engine) == tmp_path / "a.sqlite.migrations.lock"
    assert db.sqlite_lock_path(db.make_engine("sqlite://")) is None
    assert db.sqlite_lock_path(db.make_engine("sqlite:///:memory:")) is None
