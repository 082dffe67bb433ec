"""Digests of the atlas and projects maps as rendered, to prove a refactor changes none.

Renders, from the built Nord pack (and the seed projects of the Cambrésis):

- ``commune_nord``: the commune choropleth of the whole Nord with every overlay of the
  territory page switched on (EPCI outlines and every layer of ``carnet/data/couches.toml``)
  and a commune outlined;
- ``commune_cambresis``: the same over one territory (other scheme, other indicator);
- ``territories``: the contract territories map of the home page;
- ``locator``: the locator map of a commune page;
- ``projects``: the projects map over the seed projects, with the pack's offline background.

folium names each element ``<kind>_<32 hex digits>`` at random; each distinct name is
replaced by ``<kind>_<n>`` in order of first appearance, so two renders of the same map
give the same text, and the SHA-256 of that text is its digest.

Usage::

    CARNET_SOURCES=... .venv/bin/python benchmarks/map_identity.py          # compare
    CARNET_SOURCES=... .venv/bin/python benchmarks/map_identity.py --write  # record

Both build the Nord pack afresh into a temporary cache, as the test does (``--cache``
to use a built one).

The record is ``benchmarks/map_identity.json``; ``tests/maps/test_identity.py`` runs the
comparison. A change of a digest must be intended and recorded in a commit of its own.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RECORD = Path(__file__).with_suffix(".json")
PACK = "nord"
OVERLAYS = ("epci", "pnr", "monuments", "musees", "gares", "colleges")
FOLIUM_ID = re.compile(r"\b([a-z][a-z0-9_]*?)_([0-9a-f]{32})(?![0-9a-f])")


def normalise(html: str) -> str:
    """``html`` with folium's random element names numbered in order of appearance."""
    seen: dict[str, int] = {}

    def repl(match: re.Match) -> str:
        n = seen.setdefault(match.group(2), len(seen))
        return f"{match.group(1)}_{n}"

    return FOLIUM_ID.sub(repl, html)


def digest(m) -> str:
    """SHA-256 of the normalised HTML page of folium map ``m``."""
    return hashlib.sha256(normalise(m.get_root().render()).encode("utf-8")).hexdigest()


def seed_projects(pack):
    """The seed projects of the pack, through a throwaway SQLite registry, ``enrich``-ed."""
    from carnet import db
    from carnet.projets.repository import ProjetRepository
    from carnet.projets.seed import ensure_seed
    from carnet.projets.territory import TerritoryContext
    from carnet.projets.views import enrich

    ctx = TerritoryContext.from_pack(pack)
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.get_engine(f"sqlite:///{Path(tmp) / 'projets.sqlite'}")
        try:
            repo = ProjetRepository(engine, ctx)
            ensure_seed(repo, PACK)
            df = enrich(repo.dataframe(PACK), ctx)
        finally:
            db.dispose_all()
    return df, ctx


def render_all(cache_dir: str | None = None) -> dict[str, str]:
    """Digest of each map, by name (``cache_dir``: the build cache, default the app's)."""
    from carnet import paths
    from carnet.maps.projects import projects_map
    from carnet.pack import load_pack
    from carnet.ui import cartes

    cache = str(cache_dir or paths.cache_dir())
    pack = load_pack(PACK)
    out = {
        "commune_nord": cartes.commune_map.__wrapped__(
            PACK, cache, None, "taux_chomage_2022", "quantiles", OVERLAYS, selected="59122"),
        "commune_cambresis": cartes.commune_map.__wrapped__(
            PACK, cache, "cambresis", "pop_2022", "natural_breaks", OVERLAYS),
        "territories": cartes.territories_map.__wrapped__(PACK, cache, "pop_2022"),
        "locator": cartes.locator_map.__wrapped__(PACK, cache, "59122"),
    }
    df, ctx = seed_projects(pack)
    out["projects"] = projects_map(df, ctx.map_context)
    return {name: digest(m) for name, m in out.items()}


def _fresh_render() -> dict[str, str]:
    """:func:`render_all` over a pack built now into a temporary cache.

    A record written from the app's ``data/cache`` would hold whatever that cache was
    built from; the test builds afresh, so the record is made the same way.
    """
    import os

    from carnet.build import build

    with tempfile.TemporaryDirectory() as cache:
        old = os.environ.get("CARNET_CACHE")
        os.environ["CARNET_CACHE"] = cache
        try:
            build(PACK, progress=False)
            return render_all(cache)
        finally:
            if old is None:
                os.environ.pop("CARNET_CACHE", None)
            else:
                os.environ["CARNET_CACHE"] = old


def recorded() -> dict[str, str]:
    return json.loads(RECORD.read_text(encoding="utf-8"))["digests"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="record the digests")
    parser.add_argument("--cache", help="dossier de cache déjà construit (défaut : un carnet "
                        "construit à neuf depuis $CARNET_SOURCES, comme le fait le test)")
    args = parser.parse_args(argv)
    digests = render_all(args.cache) if args.cache else _fresh_render()
    if args.write:
        RECORD.write_text(json.dumps({"pack": PACK, "digests": digests}, indent=2) + "\n",
                          encoding="utf-8")
        print(f"{len(digests)} empreintes enregistrées dans {RECORD.relative_to(ROOT)}")
        return 0
    old = recorded()
    bad = [name for name in sorted(set(old) | set(digests)) if old.get(name) != digests.get(name)]
    for name in sorted(digests):
        print(f"{'DIFFÉRENT' if name in bad else 'identique'}  {name}  {digests[name][:16]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
