"""``python -m carnet besoins``: the needs-vs-projects ranking of a territory's communes.

``python -m carnet besoins --pack nord --territoire cambresis [--indicateurs a,b,c]
[--reference territoire|pack] [--format csv|csv-tableur] [--output FILE] [--brut]``

Prints ``code, nom, score, rang, projets, projets_pour_10000``, one row per commune, sorted
by rank (communes without a score, « non calculable », last, rank empty). Projects are read
from the projects registry (``$CARNET_DATABASE_URL``, else the SQLite file of the cache),
abandoned ones excluded. What was computed (indicators, reference, projects left out) is said
on standard error, in French. Unknown indicators, territories, references or formats are
refused with the list of the valid ones.
"""

from __future__ import annotations

import sys

from carnet.errors import lookup
from carnet.paths import write_atomic

FORMATS = ("csv", "csv-tableur")


def _projects(pack_id: str):
    from carnet.db import get_engine
    from carnet.projets.repository import ProjetRepository

    return ProjetRepository(get_engine()).dataframe(pack=pack_id)


def _indicator_ids(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [p.strip() for p in text.split(",") if p.strip()]


def run(args) -> int:
    """The ``besoins`` command (``args`` from :func:`add_parser`)."""
    from carnet.contrat import besoins as b
    from carnet.export import CSV_DIALECTS, csv_bytes
    from carnet.pack import load_pack

    lookup({f: 1 for f in FORMATS}, args.format, "Format")
    lookup(b.REFERENCES, args.reference, "Choix de référence")
    pack = load_pack(args.pack)
    if args.territoire is not None:
        lookup({t.id: t for t in pack.territoires}, args.territoire, "Territoire")
    iids = _indicator_ids(args.indicateurs)
    if iids is not None:
        iids = b.check_indicators(pack.indicators, iids)
    projects = _projects(pack.id)
    result = b.analyse_pack(pack, projects, args.territoire, iids, args.reference)
    table = b.cli_table(result, rounded=not args.brut)
    data = csv_bytes(table, args.format)
    if args.output:
        write_atomic(args.output, data)
    else:
        sys.stdout.flush()
        if hasattr(sys.stdout, "buffer"):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:  # a text-only stream (tests)
            sys.stdout.write(data.decode(CSV_DIALECTS[args.format].encoding))
    excl = b.excluded_counts(projects)
    scored = int(result.table["score"].notna().sum())
    where = args.output or "sortie standard"
    print(f"Besoins écrits ({where}) : {len(table)} communes, dont {scored} avec un score ; "
          f"indicateurs {', '.join(result.indicators)} ; référence : "
          f"{b.REFERENCES[result.reference]} ({result.n_reference} communes) ; "
          f"{len(projects)} projet(s) du registre, dont {excl['abandonnes']} abandonné(s) et "
          f"{excl['sans_commune']} sans commune non comptés ; "
          f"{CSV_DIALECTS[args.format].description}"
          + ("" if args.brut else " ; score arrondi à 3 décimales, projets pour 10 000 à 2 "
                                  "(--brut : non arrondis)")
          + ".", file=sys.stderr)
    return 0


def add_parser(sub) -> None:
    """Register ``besoins`` on the main CLI's subparsers."""
    from carnet.cli_options import add_pack_arguments

    p = sub.add_parser("besoins", help="besoins et projets : score de besoin des communes, "
                                       "projets pour 10 000 habitants")
    add_pack_arguments(p, territory=True)
    p.add_argument("--indicateurs", default=None,
                   help="identifiants d'indicateurs séparés par des virgules (par défaut : "
                        "carnet/data/besoins.toml)")
    p.add_argument("--reference", default="territoire",
                   help="communes de référence des z-scores et des médianes : territoire "
                        "(par défaut) ou pack")
    p.add_argument("--format", default="csv",
                   help="csv (« , », point décimal) ou csv-tableur (« ; », virgule décimale, BOM)")
    p.add_argument("--output", default=None)
    p.add_argument("--brut", action="store_true", help="valeurs non arrondies")
    p.set_defaults(func=run)
