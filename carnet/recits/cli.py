"""``python -m carnet diaporama``: a territoire's story as one self-contained HTML file.

``python -m carnet diaporama --pack nord --territoire cambresis --output cambresis.html``

The story is the pack's (``data/territoires/<pack>/recits/<territoire>.toml``) or the default
one; the contract is the store's (the app's database, ``$CARNET_DATABASE_URL``), else the
pack's seed file; the projects are the registry's, the contributions the approved ones of
the territoire's ateliers. The file requests nothing (Leaflet, styles,
data and charts inlined): it opens from a USB stick on a machine with no network.
"""

from __future__ import annotations

import sys


def inputs(pack, territoire: str, engine=None):
    """``(contrat, projets)`` of a territoire for its story: the store's contract, else the
    seed file's (None without either), and the registry's projects."""
    from carnet.contrat.repository import ContratRepository
    from carnet.contrat.seed import contrats
    from carnet.db import get_engine
    from carnet.projets.repository import ProjetRepository

    engine = engine or get_engine()
    contrat = ContratRepository(engine, pack.id).get(territoire) or contrats(pack.id).get(territoire)
    projets = ProjetRepository(engine).dataframe(pack=pack.id)
    return contrat, projets


def contributions(pack, territoire: str, engine=None) -> list[dict]:
    """The approved contributions of the territoire's ateliers (its DÉBATTRE chapter)."""
    from carnet.ateliers import approved
    from carnet.db import get_engine

    return approved(engine or get_engine(), pack.id, territoire)


def diaporama(pack, territoire: str, *, engine=None) -> str:
    """The HTML diaporama of ``territoire``'s story (see :mod:`carnet.recits.diaporama`)."""
    from carnet.recits import diapositives, recit
    from carnet.recits.cartes import carte
    from carnet.recits.diaporama import diaporama_html

    r = recit(pack, territoire)
    contrat, projets = inputs(pack, territoire, engine)
    slides = diapositives(pack, r, contrat=contrat, projets=projets,
                          contributions=contributions(pack, territoire, engine))
    return diaporama_html(slides, titre=r.titre,
                          carte=lambda vue: carte(pack, territoire, vue, projets=projets))


def run(args) -> int:
    from carnet.errors import lookup
    from carnet.pack import load_pack
    from carnet.paths import write_atomic

    pack = load_pack(args.pack)
    lookup({t.id: t for t in pack.territoires}, args.territoire, "Territoire")
    out = write_atomic(args.output, diaporama(pack, args.territoire).encode("utf-8"))
    print(f"Diaporama écrit : {out} ({out.stat().st_size // 1024} Ko, hors ligne)", file=sys.stderr)
    return 0


def add_parser(sub) -> None:
    """Register ``diaporama`` on the main CLI's subparsers."""
    from carnet.cli_options import add_pack_arguments

    p = sub.add_parser("diaporama", help="le récit d'un territoire en un fichier HTML hors ligne")
    add_pack_arguments(p, territory=True)
    p.add_argument("--output", required=True)
    p.set_defaults(func=run)
