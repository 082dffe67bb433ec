"""The server does not walk the whole heap after every run (issue #12: rerun time).

Streamlit's ``runner.postScriptGC`` ran ``gc.collect(2)`` after each run: with the pack and
the caches in memory, 100-250 ms of the GIL per rerun and per session (bench_geom.md).
"""

from __future__ import annotations

import gc
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_config_turns_the_post_run_collection_off():
    conf = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert conf["runner"]["postScriptGC"] is False


def test_loaded_pack_is_moved_out_of_the_collectors_reach(tiny_pack):
    from carnet.ui import data

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    data.load.clear()
    p = data.load(tiny_pack.id, str(tiny_pack.cache_dir))
    assert p.id == tiny_pack.id
    assert gc.get_freeze_count() > 0  # the pack's objects (and what lived before) are frozen
    gc.unfreeze()
    data.load.clear()
