"""Command-line functions of the projects registry (wired by ``carnet/cli.py``).

``python -m carnet projets import FILE [--pack P] [--territoire T] [--dry-run]
[--feuille F | --couche L] [--utilisateur U]``
``python -m carnet projets export [--pack P] [--territoire T] --format F [--output FILE]``
``python -m carnet demo-projets [--pack P] [--territoire T] --n N [--utilisateur U]``

``--pack`` is the territory pack (``$CARNET_PACK``, else ``nord``), ``--territoire`` a
contract territory of it; the former spellings (``--territoire nord``, ``--contrat C``)
are read with a warning (:func:`carnet.cli_options.resolve_pack_arguments`).

Writes are journalled as ``cli:<user>``: ``--utilisateur``, else the login name
(``$LOGNAME``…), validated (:data:`carnet.auth.USERNAME_RE`). With
``[carnet.cli] require_account = true`` in the secrets, ``--utilisateur`` is required and
must be an account of ``[carnet.users]`` whose role allows the write.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from carnet.projets.errors import ImportRejected, ProjetError


def cli_user(explicit: str | None, action: str, secrets: dict | None = None) -> str:
    """The author recorded for a CLI write: ``cli:<name>``.

    Parameters
    ----------
    explicit : str or None
        ``--utilisateur``; the login name (``$LOGNAME``, ``$USER``…) when None.
    action : str
        ``import`` or ``edit`` (the permission the write needs when accounts are required).
    secrets : dict, optional
        The ``[carnet]`` table of the secrets (read from the secrets files when None).

    Raises
    ------
    ProjetError
        French message: invalid name, ``--utilisateur`` required, unknown account or a
        role that does not allow the write.
    """
    from carnet import auth as roles

    secrets = roles.load_secrets() if secrets is None else secrets
    required = bool(dict(secrets.get("cli", {})).get("require_account", False))
    if required and not explicit:
        raise ProjetError("cette installation exige --utilisateur : le nom d'un compte déclaré "
                          "dans .streamlit/secrets.toml ([carnet.users]) avec le rôle éditeur "
                          "ou administrateur.")
    name = explicit
    if name is None:
        try:
            name = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some containers
            raise ProjetError("nom d'utilisateur introuvable : indiquez --utilisateur.") from None
    if not roles.valid_username(name):
        raise ProjetError(f"nom d'utilisateur refusé « {roles.shown_name(name)} » "
                          f"({roles.USERNAME_RULE}) : indiquez --utilisateur.")
    if required:
        role = roles.account_role(secrets.get("users", {}), name)
        if role is None:
            raise ProjetError(f"« {name} » n'est pas un compte déclaré dans "
                              ".streamlit/secrets.toml ([carnet.users]).")
        roles.require(role, action)
    return f"cli:{name}"


def _repo(pack: str):
    from carnet.db import get_engine
    from carnet.projets.repository import ProjetRepository
    from carnet.projets.territory import TerritoryContext

    ctx = TerritoryContext.load(pack)
    return ProjetRepository(get_engine(), ctx), ctx


def _err(message: str) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return 2


def projets_import(path: str, pack: str, territoire: str | None = None,
                   dry_run: bool = False, repo=None, layer: str | None = None,
                   user: str | None = None, colonnes: str | None = None,
                   mapping_file: str | None = None, accept_suggestions: bool = False,
                   partial: bool = False, doublons: str | None = None) -> int:
    """Import a file of projects, all or nothing; print the validation report.

    Parameters
    ----------
    path : str
        CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile.
    pack : str
        Pack id (``nord``).
    territoire : str, optional
        Default contract territory of the rows (points must fall inside it).
    dry_run : bool
        Validate and report only.
    repo : ProjetRepository, optional
        For tests; built from the pack and ``CARNET_DATABASE_URL`` otherwise.
    layer : str, optional
        Sheet (XLSX, ``--feuille``) or layer (GeoPackage, ``--couche``) to import; needed
        when the file holds several.
    user : str, optional
        ``--utilisateur`` (see :func:`cli_user`).
    colonnes : str, optional
        ``titre="Intitulé",commune="Code INSEE"``: overrides of the automatic mapping.
    mapping_file : str, optional
        TOML file: ``[colonnes]`` field = "column", ``[valeurs.<field>]`` value = code.
    accept_suggestions : bool
        Apply the proposed value mappings (close spellings, swapped coordinates).
    partial : bool
        Import the valid rows even if others are rejected (still one transaction).
    doublons : {None, "ignorer", "importer"}
        What to do with likely duplicates (same title, commune and year).

    Returns
    -------
    int
        0 on success, 1 when rows are rejected (or a sheet/layer must be chosen), 2 when
        the file is refused.
    """
    from carnet.projets.importer import import_file
    from carnet.projets.mapping import load_mapping_file, parse_columns_option

    try:
        file = Path(path)
        if not file.is_file():
            return _err(f"fichier introuvable : {path}")
        from carnet.projets.importer import MAX_UPLOAD_BYTES

        if file.stat().st_size > MAX_UPLOAD_BYTES:
            return _err(f"« {file.name} » dépasse {MAX_UPLOAD_BYTES // 2**20} Mo.")
        overrides, values = {}, {}
        if mapping_file:
            try:
                overrides, values = load_mapping_file(mapping_file)
            except (OSError, ValueError) as exc:  # tomllib.TOMLDecodeError is a ValueError
                return _err(f"fichier de correspondance « {mapping_file} » illisible : {exc}")
        if colonnes:
            try:
                overrides.update(parse_columns_option(colonnes))
            except ValueError as exc:
                return _err(f"--colonnes : {exc}")
        author = cli_user(user, "import")
        repo = repo or _repo(pack)[0]
        try:
            report, created = import_file(
                file.read_bytes(), file.name, repo.ctx, repo, author, territoire=territoire,
                dry_run=dry_run, layer=layer, columns=overrides, accepted=values,
                accept_suggestions=accept_suggestions, partial=partial, doublons=doublons)
        except ValueError as exc:
            return _err(str(exc))
    except ImportRejected as exc:
        if exc.report is None:
            return _err(str(exc))
        _print_report(exc.report)
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except ProjetError as exc:
        return _err(str(exc))
    _print_report(report)
    if dry_run:
        print("Simulation (--dry-run) : rien n'a été enregistré.")
        return 0 if report.ok else 1
    written = report.written or {}
    print(f"{len(created)} projet(s) importé(s), {written.get('updated', 0)} mis à jour, "
          f"{len(report.unchanged)} inchangé(s).")
    return 0


def _print_report(report) -> None:
    print("Correspondance des colonnes :")
    for _, row in report.mapping_frame().iterrows():
        print(f"  {row['Champ']} ← {row['Colonne du fichier']} ({row['Reconnue par']})")
    for note in report.notes:
        print(f"· {note}")
    print(report.summary())
    if report.choice_needed:
        option = "--feuille" if report.layer_word == "feuille" else "--couche"
        print(f"Relancez avec {option} NOM, NOM parmi : "
              + ", ".join(f"« {n} »" for n in report.layers) + ".")
    for row in report.rejected:
        print(f"  ligne {row['ligne']} ({row['titre'] or 'sans titre'}) : {row['motifs']}")
    if report.proposals:
        print("Propositions (appliquées seulement avec --accepter-suggestions, ou via "
              "[valeurs] de --mapping) :")
        for prop in report.proposals:
            print(f"  {prop.describe()}")
    if report.duplicates:
        print("Doublons probables (--doublons ignorer|importer) :")
        for d in report.duplicates:
            print(f"  ligne {d['ligne']} ({d['titre']}) : {d['motif']}")
    for up in report.updates[:50]:
        print(f"  ligne {up['ligne']} : mise à jour du projet n°{up['id']} "
              f"({', '.join(sorted(up['changes']))})")


def projets_export(pack: str, territoire: str | None, fmt: str,
                   output: str | None = None, repo=None) -> int:
    """Export the projects of a pack (and contract territory) to a file.

    Parameters
    ----------
    pack, territoire : str
    fmt : str
        ``csv``, ``xlsx``, ``geojson`` or ``gpkg``.
    output : str, optional
        Target file; ``projets_<pack>[_<territoire>].<ext>`` in the current folder
        when None, ``-`` for standard output.
    repo : ProjetRepository, optional

    Returns
    -------
    int
    """
    from carnet.projets.exporter import export_filename, export_projects

    try:
        repo = repo or _repo(pack)[0]
        df = repo.dataframe(pack, territoire)
        data = export_projects(df, fmt)
    except ProjetError as exc:
        return _err(str(exc))
    if output == "-":
        sys.stdout.buffer.write(data)
        return 0
    target = Path(output or export_filename(pack, territoire, fmt.lower()))
    target.write_bytes(data)
    print(f"{len(df)} projet(s) exporté(s) dans {target}", file=sys.stderr)
    return 0


def demo_projets(pack: str, territoire: str | None, n: int, repo=None,
                 seed: int = 2012, user: str | None = None) -> int:
    """Add ``n`` illustrative projects (flagged ``illustratif``) to a contract territory.

    Returns
    -------
    int
    """
    from carnet.projets.demo import generate_demo

    if n <= 0 or n > 50_000:
        return _err("--n doit être compris entre 1 et 50 000.")
    try:
        author = cli_user(user, "edit")
        repo = repo or _repo(pack)[0]
        if territoire and territoire not in repo.ctx.territoires:
            return _err(f"territoire inconnu « {territoire} » (valeurs : "
                        f"{', '.join(sorted(repo.ctx.territoires))}).")
        rows = generate_demo(repo.ctx, territoire, n, seed=seed)
        repo.create_many(rows, user=author, action="demo")
    except ProjetError as exc:
        return _err(str(exc))
    print(f"{len(rows)} projet(s) illustratif(s) ajouté(s) ({territoire or pack}).")
    return 0


USER_HELP = ("auteur inscrit au journal (cli:<nom>) ; par défaut le nom de connexion ; "
             "obligatoire, et compte éditeur, si [carnet.cli] require_account = true")


def add_subparsers(subparsers) -> None:
    """Register ``projets import|export`` and ``demo-projets`` on the main CLI.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The main parser's subparsers; each command sets ``func(args) -> int``.
    """
    from carnet.cli_options import add_pack_arguments

    p = subparsers.add_parser("projets", help="registre des projets : import, export")
    sub = p.add_subparsers(dest="projets_command", required=True)
    imp = sub.add_parser("import", help="importe un fichier de projets (tout ou rien)")
    imp.add_argument("file", metavar="FICHIER")
    add_pack_arguments(imp, territory=True)
    imp.add_argument("--dry-run", action="store_true", help="valide sans rien enregistrer")
    which = imp.add_mutually_exclusive_group()
    which.add_argument("--feuille", dest="layer", default=None, metavar="FEUILLE",
                       help="feuille du classeur XLSX à importer")
    which.add_argument("--couche", dest="layer", default=None, metavar="COUCHE",
                       help="couche du GeoPackage à importer")
    imp.add_argument("--utilisateur", default=None, help=USER_HELP)
    imp.add_argument("--colonnes", default=None, metavar='CHAMP="Colonne",…',
                     help='corrige la correspondance automatique, ex. '
                          'titre="Intitulé",commune="Code INSEE"')
    imp.add_argument("--mapping", default=None, metavar="FICHIER.toml",
                     help="correspondance en TOML : [colonnes] et [valeurs.<champ>]")
    imp.add_argument("--accepter-suggestions", action="store_true",
                     help="applique les valeurs proposées (orthographe approchée, "
                          "coordonnées inversées)")
    imp.add_argument("--importer-valides", action="store_true",
                     help="importe les lignes valides même si d'autres sont rejetées")
    imp.add_argument("--doublons", choices=["ignorer", "importer"], default=None,
                     help="doublons probables (même titre, commune et année)")
    imp.set_defaults(func=lambda a: projets_import(
        a.file, a.pack, a.territoire, a.dry_run, layer=a.layer, colonnes=a.colonnes,
        mapping_file=a.mapping, accept_suggestions=a.accepter_suggestions,
        partial=a.importer_valides, doublons=a.doublons, user=a.utilisateur))
    exp = sub.add_parser("export", help="exporte les projets")
    add_pack_arguments(exp, territory=True)
    from carnet.projets.exporter import FORMATS

    exp.add_argument("--format", required=True, choices=list(FORMATS))
    exp.add_argument("--output", default=None, help="fichier de sortie (« - » : sortie standard)")
    exp.set_defaults(func=lambda a: projets_export(a.pack, a.territoire, a.format, a.output))
    demo = subparsers.add_parser("demo-projets", help="ajoute des projets illustratifs")
    add_pack_arguments(demo, territory=True)
    demo.add_argument("--n", type=int, default=280)
    demo.add_argument("--utilisateur", default=None, help=USER_HELP)
    demo.set_defaults(func=lambda a: demo_projets(a.pack, a.territoire, a.n,
                                                  user=a.utilisateur))
