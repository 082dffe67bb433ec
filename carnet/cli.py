"""Command line: ``python -m carnet {sources,build,check,export,besoins,...}``.

Vocabulary: ``--pack`` names a territory pack (``nord``, a folder of ``data/territoires/``;
default ``$CARNET_PACK``, else ``nord``); ``--territoire`` names a contract territory of
the pack (``cambresis``). Scripts written before the split keep working for a release:
``--territoire nord`` without ``--pack`` is read as ``--pack nord``, and ``--contrat`` as
``--territoire``, each with a warning on standard error.
"""

from __future__ import annotations

import argparse
import sys

from carnet import paths
from carnet.cli_options import add_pack_arguments, resolve_pack_arguments
from carnet.errors import CarnetError


def _cmd_sources(args) -> int:
    from carnet.config import load_config
    from carnet.sources import status

    cfg = load_config(args.pack)
    base = paths.sources_dir()
    print(f"Dossier des sources : {base}")
    n_missing = 0
    for src, path, present in status(base, cfg.params):
        mark = "présente" if present else "MANQUANTE"
        n_missing += not present
        print(f"[{mark:9}] {src.id} — {src.titre} ({src.millesime}) ; {src.licence}")
        print(f"            {path}")
        if not present:
            print(f"            à télécharger : {src.url}")
    print(f"{n_missing} source(s) manquante(s).")
    return 0


def _cmd_build(args) -> int:
    from carnet.build import build

    r = build(args.pack, force=args.force, progress=not args.quiet)
    state = "construit" if r.rebuilt else "à jour (rien à reconstruire)"
    print(f"Carnet {args.pack} {state} en {r.seconds:.1f} s : {r.path}")
    return 0


def _cmd_check(args) -> int:
    from carnet.check import report
    from carnet.pack import load_pack

    print(report(load_pack(args.pack)))
    return 0


def _cmd_export(args) -> int:
    from carnet.export import describe, export
    from carnet.pack import load_pack

    export(load_pack(args.pack), args.maille, args.format, args.output, rounded=not args.brut)
    where = args.output or "sortie standard"
    print(f"Export {args.maille} écrit ({where}) : {describe(args.format, not args.brut)}.",
          file=sys.stderr)
    return 0


def _cmd_rapport(args) -> int:
    from carnet.errors import lookup
    from carnet.pack import load_pack
    from carnet.paths import write_atomic
    from carnet.rapport.document import carnet_pdf, contributions, inputs

    pack = load_pack(args.pack)
    lookup({t.id: t for t in pack.territoires}, args.territoire, "Territoire")
    contrat, projets, t0 = inputs(pack, args.territoire)
    out = write_atomic(args.output, carnet_pdf(pack, args.territoire, contrat=contrat,
                                               projets=projets, t0=t0,
                                               contributions=contributions(pack, args.territoire)))
    print(f"Carnet PDF écrit : {out}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m carnet", description="Carnet de Territoire")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sources", help="liste les sources, présentes ou manquantes")
    add_pack_arguments(s, territory=False)
    s.set_defaults(func=_cmd_sources)

    b = sub.add_parser("build", help="construit le carnet d'un territoire")
    add_pack_arguments(b, territory=False)
    b.add_argument("--force", action="store_true", help="reconstruit même si rien n'a changé")
    b.add_argument("--quiet", action="store_true", help="sans barre de progression")
    b.set_defaults(func=_cmd_build)

    c = sub.add_parser("check", help="diagnostics des jointures et des totaux")
    add_pack_arguments(c, territory=False)
    c.set_defaults(func=_cmd_check)

    e = sub.add_parser("export", help="exporte les indicateurs d'une maille")
    add_pack_arguments(e, territory=False)
    e.add_argument("--maille", required=True,
                   choices=["commune", "epci", "territoire", "departement"])
    e.add_argument("--format", default="csv", choices=["csv", "csv-tableur", "geojson", "gpkg"],
                   help="csv : « , » et point décimal (programmes) ; csv-tableur : « ; », virgule "
                        "décimale, BOM (tableurs français)")
    e.add_argument("--output", default=None)
    e.add_argument("--brut", action="store_true",
                   help="valeurs non arrondies (par défaut : arrondies aux décimales de chaque indicateur)")
    e.set_defaults(func=_cmd_export)

    r = sub.add_parser("rapport", help="le carnet PDF d'un territoire (A4)")
    add_pack_arguments(r, territory=True)
    r.add_argument("--output", required=True)
    r.set_defaults(func=_cmd_rapport)

    from carnet.contrat.cli_besoins import add_parser as add_besoins
    from carnet.recits.cli import add_parser as add_diaporama

    add_besoins(sub)
    add_diaporama(sub)

    try:
        from carnet.projets.cli import add_subparsers
    except ImportError:
        pass
    else:
        add_subparsers(sub)
    from carnet.contrat.cli import add_subparsers as add_contrat_subparsers

    add_contrat_subparsers(sub)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        if hasattr(args, "_takes_territory"):
            resolve_pack_arguments(args)
        return int(args.func(args) or 0)
    except CarnetError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
