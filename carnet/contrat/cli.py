"""Command line of the contract store (wired by ``carnet/cli.py``).

``python -m carnet contrat export --pack P --territoire T --format {json,toml} [--output F]``
``python -m carnet contrat import --pack P FICHIER [--utilisateur U]``  (all or nothing)
``python -m carnet contrat seed --pack P``  (the pack's ``contrats/*.toml``; editors' rows kept)
``python -m carnet contrat enjeux-libres --pack P [--territoire T]``

Writes are journalled as ``cli:<user>`` (:func:`carnet.projets.cli.cli_user`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from carnet.errors import CarnetError


def _repo(pack: str):
    from carnet.contrat.repository import ContratRepository
    from carnet.db import get_engine

    return ContratRepository(get_engine(), pack)


def _err(message: str) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return 2


def _write_atomic(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` through a temporary file: never half a file."""
    target = target.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def contrat_export(pack: str, territoire: str | None, fmt: str, output: str | None = None,
                   repo=None) -> int:
    """Write the contract of ``territoire`` as JSON or TOML (standard output when no file)."""
    from carnet.contrat import codec

    if not territoire:
        return _err("indiquez --territoire (le contrat de quel territoire ?).")
    try:
        repo = repo or _repo(pack)
        contrat = repo.get(territoire)
        if contrat is None:
            repo._check_territoire(territoire)
            return _err(f"aucun contrat enregistré pour le territoire « {territoire} » (pack "
                        f"{pack}) : python -m carnet contrat seed --pack {pack}, ou importez-en "
                        "un.")
        text = codec.dumps(contrat, fmt)
    except CarnetError as exc:
        return _err(str(exc))
    if not output or output == "-":
        sys.stdout.write(text)
        return 0
    try:
        _write_atomic(Path(output), text)
    except OSError as exc:
        return _err(f"écriture impossible dans {output} ({exc.strerror or exc}).")
    print(f"Contrat {territoire} exporté dans {output} ({fmt}).", file=sys.stderr)
    return 0


def contrat_import(pack: str, file: str, user: str | None = None, repo=None) -> int:
    """Replace a contract by the one of ``file`` (JSON or TOML), all or nothing."""
    from carnet.contrat import codec
    from carnet.contrat.repository import ContratValidationError
    from carnet.projets.cli import cli_user

    try:
        author = cli_user(user, "import")
        contrat = codec.read(file)
        repo = repo or _repo(pack)
        try:
            report = repo.import_contrat(contrat, user=author)
        except ContratValidationError as exc:
            raise codec.ContratFileError(file, str(exc).rstrip(".")) from None
    except CarnetError as exc:
        return _err(str(exc))
    print(f"Contrat {contrat.territoire} importé de {file} : {report.changed} élément(s) "
          "écrit(s).", file=sys.stderr)
    return 0


def contrat_seed(pack: str, repo=None) -> int:
    """Seed the pack's contracts from its files; print what was kept."""
    from carnet.contrat.seed import contrats

    try:
        found = contrats(pack)
        if not found:
            print(f"Aucun contrat déclaré dans le pack {pack} (data/territoires/{pack}/"
                  "contrats/<territoire>.toml).")
            return 0
        report = (repo or _repo(pack)).seed(found)
    except CarnetError as exc:
        return _err(str(exc))
    print("\n".join(report.lines()))
    return 0


def contrat_enjeux_libres(pack: str, territoire: str | None = None, repo=None) -> int:
    """Print the free-text enjeux of projects linked to no enjeu of their contract."""
    try:
        rows = (repo or _repo(pack)).enjeux_libres(territoire)
    except CarnetError as exc:
        return _err(str(exc))
    if not rows:
        print("Aucune valeur libre d'enjeu : chaque projet qui nomme un enjeu y est rattaché.")
        return 0
    print(f"{len(rows)} valeur(s) libre(s) d'enjeu non rattachée(s) (gardées telles quelles) :")
    for r in rows:
        refs = ", ".join(r["refs"][:10]) + (" …" if len(r["refs"]) > 10 else "")
        print(f"{r['territoire'] or '(sans territoire)'}\t« {r['enjeu']} »\t"
              f"{r['projets']} projet(s) : {refs}")
    return 0


def add_subparsers(subparsers) -> None:
    """Register ``contrat export|import|seed|enjeux-libres`` on the main CLI."""
    from carnet.cli_options import add_pack_arguments
    from carnet.contrat.codec import FORMATS
    from carnet.projets.cli import USER_HELP

    p = subparsers.add_parser("contrat", help="contrats de territoire : export, import, graine")
    sub = p.add_subparsers(dest="contrat_command", required=True)
    exp = sub.add_parser("export", help="exporte le contrat d'un territoire (JSON ou TOML)")
    add_pack_arguments(exp, territory=True)
    exp.add_argument("--format", required=True, choices=list(FORMATS))
    exp.add_argument("--output", default=None, help="fichier de sortie (par défaut : sortie "
                                                    "standard)")
    exp.set_defaults(func=lambda a: contrat_export(a.pack, a.territoire, a.format, a.output))
    imp = sub.add_parser("import", help="remplace un contrat par celui d'un fichier "
                                        "(tout ou rien)")
    imp.add_argument("file", metavar="FICHIER")
    add_pack_arguments(imp, territory=False)
    imp.add_argument("--utilisateur", default=None, help=USER_HELP)
    imp.set_defaults(func=lambda a: contrat_import(a.pack, a.file, a.utilisateur))
    seed = sub.add_parser("seed", help="écrit les contrats du pack (saisies des éditeurs "
                                       "gardées)")
    add_pack_arguments(seed, territory=False)
    seed.set_defaults(func=lambda a: contrat_seed(a.pack))
    libres = sub.add_parser("enjeux-libres", help="valeurs libres d'enjeu des projets non "
                                                  "rattachées")
    add_pack_arguments(libres, territory=True)
    libres.set_defaults(func=lambda a: contrat_enjeux_libres(a.pack, a.territoire))
