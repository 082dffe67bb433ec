"""The national schema of local-authority projects: export, validation, import, round trip.

The schema is read from ``$CARNET_SCHEMAS`` (else ``../shared/data/schemas`` next to the
checkout), never from this repository; the tests that need it are skipped without it, and
fail under ``CI=true``. Our output is validated by ``frictionless`` against it; the values
are checked against an independent reading of the CSV (the ``csv`` module, ``Decimal``).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from carnet import db
from carnet.projets import schema_collectivites as sc
from carnet.projets.constants import STATUTS
from carnet.projets.errors import ImportRejected, ProjetError, ValidationError
from carnet.projets.exporter import FORMATS
from carnet.projets.importer import import_file, read_table
from carnet.projets.repository import UUID_NAMESPACE, ProjetRepository, backfill_uuid
from tests.migrations import migrate as _migrate
from tests.projets.conftest import sample

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = "projets-collectivites"


def schemas_dir() -> Path | None:
    """``$CARNET_SCHEMAS``, else ``schemas/`` beside ``$CARNET_SOURCES`` (both in
    ``shared/data/``), else ``../shared/data/schemas`` next to the checkout."""
    env, sources = os.environ.get("CARNET_SCHEMAS"), os.environ.get("CARNET_SOURCES")
    candidates = [Path(env)] if env else []
    if sources:
        candidates.append(Path(sources).resolve().parent / "schemas")
    candidates.append(ROOT.parent / "shared" / "data" / "schemas")
    for path in candidates:
        if (path / SCHEMA_DIR / "datapackage.json").is_file():
            return path.resolve() / SCHEMA_DIR
    return None


@pytest.fixture(scope="module")
def schema_path() -> Path:
    path = schemas_dir()
    if path is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI sans le schéma national des projets ($CARNET_SCHEMAS)")
        pytest.skip("CARNET_SCHEMAS non défini : schéma des projets des collectivités absent")
    return path


def _schema(schema_path: Path, resource: str) -> dict:
    return json.loads((schema_path / resource / "schema.json").read_text(encoding="utf-8"))


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rows(payload: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8"), newline="")))


def _validate(schema_path: Path, tmp_path: Path, files: dict[str, bytes]) -> None:
    """Both CSVs of an export, validated by frictionless against the national schema.

    frictionless raises the process-wide ``csv.field_size_limit`` when its CSV parser is
    first imported; the limit is put back, or the importer's own refusal of an oversized
    value (tests/projets/test_import_integrity.py) would depend on the order of the tests.
    """
    limit = csv.field_size_limit()
    try:
        from frictionless import Resource, Schema

        for name, resource in ((sc.PROJETS_CSV, "projets-territoire"),
                               (sc.COLLECTIVITES_CSV, "collectivites")):
            (tmp_path / name).write_bytes(files[name])
            res = Resource(path=name, basepath=str(tmp_path),
                           schema=Schema.from_descriptor(_schema(schema_path, resource)))
            report = res.validate()
            assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    finally:
        csv.field_size_limit(limit)


HOSTILE = [
    "=HYPERLINK(\"http://exemple.invalid\",\"clic\")",
    "+33 6 00 00 00 00",
    "-5 % de CO2",
    "@SUM(A1:A3)",
    "<script>alert('x')</script> <b>gras</b>",
    "**Markdown** [lien](javascript:alert(1)) ![img](x.png)",
    "Guillemets \"doubles\", virgule, point-virgule ; fin",
    "Œuvre d’art — « Cambrésis » ligne 1\nligne 2",
]


def _fill(repo: ProjetRepository) -> None:
    """Projects of every status, hostile texts, cents, no commune, no status, deleted."""
    statuts = [s for s in STATUTS] + [None]
    for i, statut in enumerate(statuts):
        repo.create(sample(titre=f"Projet {i} {statut}", ref=f"R{i}", statut=statut,
                           cout_total=1_200_000.5 + i, participation_cd=None,
                           annee_debut=2012 + i, annee_fin=None), user="u")
    for i, hostile in enumerate(HOSTILE):
        repo.create(sample(titre=hostile[:300], description=hostile, ref=None,
                           commune="59139" if i % 2 else None, cout_total=0.49 + i,
                           participation_cd=None, territoire="cambresis"), user="u")
    repo.create(sample(titre="À Lille", ref="L1", commune="59350",
                       territoire="metropole-lilloise", cout_total=None), user="u")
    gone = repo.create(sample(titre="Supprimé", ref="DEL"), user="u")
    repo.delete(gone["id"], user="u")


# -- the table of statuses ---------------------------------------------------------------
def test_every_status_has_its_own_phase_pair_and_reads_back():
    pairs = sc.status_pairs()
    assert set(STATUTS) | {"bloque"} <= set(pairs)  # « bloque »: added by the store task
    assert len(set(pairs.values())) == len(pairs)  # one pair per status: no status merged
    for code, (phase, statut) in pairs.items():
        assert sc.status_of(phase, statut) == code
    assert sc.status_of(None, "") is None
    assert sc.status_of("Opération", "En retard") == "en_cours"
    assert sc.status_of("Étude", "Abandonné") == "abandonne"
    with pytest.raises(ValueError, match="phase « \\(vide\\) » et statut de phase « En cours »"):
        sc.status_of("", "En cours")


def test_the_tables_follow_the_national_schema(schema_path):
    projets = _schema(schema_path, "projets-territoire")
    collectivites = _schema(schema_path, "collectivites")
    assert tuple(f["name"] for f in projets["fields"]) == sc.PROJET_FIELDS
    assert tuple(f["name"] for f in collectivites["fields"]) == sc.COLLECTIVITE_FIELDS
    assert sc.load()["schema"]["version"] == projets["version"]
    enums = {f["name"]: f["constraints"]["enum"] for f in projets["fields"]
             if "enum" in f.get("constraints", {})}
    for phase, statut in sc.status_pairs().values():
        assert phase == "" or phase in enums["phase"]
        assert statut in enums["phaseStatut"]
    for rule in sc.load()["lecture"]:
        assert rule["phase"] == "*" or rule["phase"] in enums["phase"]
        assert rule["phaseStatut"] == "*" or rule["phaseStatut"] in enums["phaseStatut"]
    # every pair the schema allows reads as one status, or is refused in French
    for phase in ["", *enums["phase"]]:
        for statut in enums["phaseStatut"]:
            try:
                assert sc.status_of(phase, statut) in sc.status_pairs()
            except ValueError as exc:
                assert phase == "" and "aucun statut du registre" in str(exc)


def test_budget_is_rounded_half_up_to_whole_euros():
    assert [sc.budget(v) for v in (1_200_000.5, 0.49, 0.5, 2.675, 1e12, None)] == [
        1_200_001, 0, 1, 3, 1_000_000_000_000, None]


# -- export ----------------------------------------------------------------------------------
def test_export_is_valid_and_every_value_traceable(repo, ctx, schema_path, tmp_path):
    _fill(repo)
    df = repo.dataframe("nord")
    files = _unzip(sc.export_package(df, ctx))
    assert set(files) == {"datapackage.json", sc.PROJETS_CSV, sc.COLLECTIVITES_CSV}
    _validate(schema_path, tmp_path, files)
    desc = json.loads(files["datapackage.json"])
    assert desc["conformsTo"]["name"] == "schema-projet-collectivites-transition-ecologique"
    assert [r["path"] for r in desc["resources"]] == [sc.PROJETS_CSV, sc.COLLECTIVITES_CSV]

    rows = _rows(files[sc.PROJETS_CSV])
    assert len(rows) == len(df) == len(STATUTS) + 1 + len(HOSTILE) + 1  # not the deleted one
    by_id = {r["id"]: r for r in rows}
    stored = {p["uuid"]: p for p in df.to_dict("records")}
    assert set(by_id) == set(stored)
    communes = {c["id"]: c for c in _rows(files[sc.COLLECTIVITES_CSV])}
    for uid, p in stored.items():
        row = by_id[uid]
        assert uuid.UUID(uid).version == 4
        title = p["titre"]
        assert row["nom"] == ("'" + title if title[0] in "=+-@" else title)
        # whole euros, half up: an independent computation from the stored amount
        if p["cout_total"] == p["cout_total"]:
            expected = int((Decimal(str(p["cout_total"])) + Decimal("0.5")).to_integral_value(
                rounding="ROUND_FLOOR"))
            assert row["budgetPrevisionnel"] == str(expected)
        else:
            assert row["budgetPrevisionnel"] == ""
        assert row["dateDebutPrevisionnelle"] == str(p["annee_debut"])
        phase, statut = sc.status_pairs().get(p["statut"], ("", ""))
        assert (row["phase"], row["phaseStatut"]) == (phase, statut)
        assert row["programme"] == {"cambresis": "Contrat de territoire du Cambrésis",
                                    "metropole-lilloise": "Contrat de territoire de la "
                                                          "Métropole lilloise"}[p["territoire"]]
        ids = json.loads(row["collectiviteIds"]) if row["collectiviteIds"] else []
        assert [communes[i]["codeInsee"] for i in ids] == (
            [p["commune"]] if isinstance(p["commune"], str) else [])
    # the hostile texts are there, as text (a formula gets its inert quote, nothing else)
    descriptions = {r["description"] for r in rows}
    for hostile in HOSTILE:
        assert (("'" + hostile) if hostile[0] in "=+-@" else hostile) in descriptions
    # communes: codes as strings, their names, department and EPCI from the territory
    assert {c["codeInsee"]: (c["nom"], c["type"], json.loads(c["codeDepartements"]),
                             c["codeEpci"]) for c in communes.values()} == {
        "59122": ("Cambrai", "Commune", ["59"], "200068500"),
        "59139": ("Caudry", "Commune", ["59"], "200030393"),
        "59350": ("Lille", "Commune", ["59"], "200093201")}
    assert all(c["id"] == sc.commune_uuid(c["codeInsee"]) for c in communes.values())


def test_the_validator_is_not_blind(schema_path, tmp_path, repo, ctx):
    """A broken file fails the same validation (the test above is not vacuous)."""
    repo.create(sample(), user="u")
    files = _unzip(sc.export_package(repo.dataframe("nord"), ctx))
    broken = files[sc.PROJETS_CSV].decode().replace(",Étude,Terminé,", ",Chantier,Terminé,")
    with pytest.raises(AssertionError):
        _validate(schema_path, tmp_path, {**files, sc.PROJETS_CSV: broken.encode()})


def test_export_names_the_projects_that_would_make_it_invalid(repo, ctx):
    repo.create(sample(ref="OK"), user="u")
    repo.create(sample(ref="X1", titre="Statut futur"), user="u")
    df = repo.dataframe("nord")
    df.loc[df["ref"] == "X1", "statut"] = "suspendu"  # a status without a phase pair
    df.loc[df["ref"] == "OK", "commune"] = "59999"  # not a commune of the pack
    with pytest.raises(ProjetError) as exc:
        sc.export_package(df, ctx)
    message = str(exc.value)
    assert "2 projet(s) le rendraient invalide" in message and "Rien n'a été écrit" in message
    assert "(X1) « Statut futur » : statut « suspendu » sans phase du schéma" in message
    assert "(OK) « Collège à Cambrai » : commune « 59999 » absente du carnet « nord »" in message


def test_a_project_stored_without_uuid_gets_the_backfilled_one(repo, ctx):
    created = repo.create(sample(), user="u")
    with repo.engine.begin() as conn:
        conn.execute(text("UPDATE projet SET uuid = NULL WHERE id = :i"), {"i": created["id"]})
    rows = _rows(_unzip(sc.export_package(repo.dataframe("nord"), ctx))[sc.PROJETS_CSV])
    assert rows[0]["id"] == str(uuid.uuid5(UUID_NAMESPACE, f"nord:{created['id']}"))


def test_the_format_is_offered_by_the_exporter_and_the_cli():
    from carnet.cli import parser

    assert FORMATS["schema-collectivites"].suffix == ".zip"
    args = parser().parse_args(["projets", "export", "--format", "schema-collectivites"])
    assert args.format == "schema-collectivites"


# -- import and round trip -----------------------------------------------------------------
def _source_repo(tmp_path, ctx) -> ProjetRepository:
    return ProjetRepository(db.get_engine(f"sqlite:///{tmp_path / 'source.sqlite'}"), ctx)


def _without_times(rows: list[dict]) -> list[dict]:
    """The rows but their ``updatedAt`` (the import is a change: it is the import's time)."""
    return [{k: v for k, v in r.items() if k != "updatedAt"} for r in rows]


def test_round_trip_into_a_fresh_registry_keeps_uuids_and_values(tmp_path, ctx, repo,
                                                                 schema_path):
    source = _source_repo(tmp_path, ctx)
    _fill(source)
    first = sc.export_package(source.dataframe("nord"), ctx)
    report, created = import_file(first, "export.zip", ctx, repo, "u", doublons="importer")
    assert report.ok and not report.rejected, report.rejected
    assert len(created) == len(source.dataframe("nord"))
    second = sc.export_package(repo.dataframe("nord"), ctx)
    a, b = _unzip(first), _unzip(second)
    _validate(schema_path, tmp_path, b)
    assert _without_times(_rows(b[sc.PROJETS_CSV])) == _without_times(_rows(a[sc.PROJETS_CSV]))
    assert _without_times(_rows(b[sc.COLLECTIVITES_CSV])) == _without_times(
        _rows(a[sc.COLLECTIVITES_CSV]))
    # the hostile texts came back as they were, not as their exported (quoted) form
    assert set(HOSTILE) <= set(repo.dataframe("nord")["description"])
    # imported again into the same registry: nothing to do (whole euros are not a change)
    report, created = import_file(first, "export.zip", ctx, repo, "u")
    assert created == [] and report.updates == [] and len(report.unchanged) == len(
        _rows(a[sc.PROJETS_CSV]))


def _package(projets: list[dict], collectivites: list[dict]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("datapackage.json", json.dumps(sc.descriptor("nord", 0, 0)))
        zf.writestr(sc.PROJETS_CSV, sc._csv(projets, sc.PROJET_FIELDS))
        zf.writestr(sc.COLLECTIVITES_CSV, sc._csv(collectivites, sc.COLLECTIVITE_FIELDS))
    return buf.getvalue()


def _projet(**over) -> dict:
    row = {"id": str(uuid.uuid4()), "createdAt": "2025-04-15T14:30:00.000Z",
           "updatedAt": "2025-04-15T14:30:00.000Z", "nom": "Projet", "phase": "Étude",
           "phaseStatut": "En cours", "programme": "Contrat de territoire du Cambrésis",
           "budgetPrevisionnel": "450000", "dateDebutPrevisionnelle": "2025-03-01",
           "collectiviteIds": [sc.commune_uuid("59122")]}
    row.update(over)
    return row


CAMBRAI = {"id": sc.commune_uuid("59122"), "nom": "Cambrai", "type": "Commune",
           "codeInsee": "59122", "createdAt": "2025-04-15T14:30:00Z",
           "updatedAt": "2025-04-15T14:30:00Z"}
CAUDRY = {**CAMBRAI, "id": sc.commune_uuid("59139"), "nom": "Caudry", "codeInsee": "59139"}
EPCI = {**CAMBRAI, "id": str(uuid.uuid4()), "nom": "CA de Cambrai", "type": "EPCI",
        "codeInsee": "", "codeEpci": "200068500"}


def test_a_foreign_package_is_read_with_its_values(repo, ctx):
    uid = str(uuid.uuid4())
    data = _package([_projet(id=uid.upper(), nom="Pistes cyclables", phase="Opération",
                             phaseStatut="En retard", programme="CRTE")], [CAMBRAI])
    report, created = import_file(data, "mec.zip", ctx, repo, "u")
    assert report.ok, report.rejected
    (p,) = created
    assert sc.timestamp(p["created_at"]) == "2025-04-15T14:30:00Z"  # the project's own
    assert (p["uuid"], p["titre"], p["statut"], p["cout_total"], p["annee_debut"],
            p["commune"], p["territoire"], p["source"]) == (
        uid, "Pistes cyclables", "en_cours", 450000.0, 2025, "59122", None,
        "Programme « CRTE »")  # not a contract of the pack: kept as its source
    assert any("« En retard » lu comme « en_cours »" in n and "ligne(s) 2" in n
               for n in report.notes)


def test_invalid_rows_are_named_with_file_line_and_reason_and_nothing_is_written(repo, ctx):
    twice = str(uuid.uuid4())
    data = _package([
        _projet(nom="Bon"),
        _projet(id="pas-un-uuid", nom="UUID"),
        _projet(phase="", phaseStatut="En cours", nom="Phase"),
        _projet(collectiviteIds=[CAMBRAI["id"], CAUDRY["id"]], nom="Deux communes"),
        _projet(collectiviteIds=[EPCI["id"]], nom="EPCI"),
        _projet(collectiviteIds=[str(uuid.uuid4())], nom="Inconnue"),
        _projet(budgetPrevisionnel="beaucoup", nom="Budget"),
        _projet(id=twice, nom="Premier"),
        _projet(id=twice, nom="Second"),
        _projet(phase="", phaseStatut="Bloqué", nom="Bloqué"),
        _projet(createdAt="15/04/2025", nom="Date"),
    ], [CAMBRAI, CAUDRY, EPCI])
    with pytest.raises(ImportRejected) as exc:
        import_file(data, "hostile.zip", ctx, repo, "u")
    report = exc.value.report
    assert any("hostile.zip › projets-territoire.csv" in n for n in report.notes)
    motifs = {r["ligne"]: r["motifs"] for r in report.rejected}
    assert "UUID invalide « pas-un-uuid »" in motifs[3]
    assert "phase « (vide) » et statut de phase « En cours »" in motifs[4]
    assert "2 communes (59122, 59139) : le registre ne rattache un projet qu'à une commune" \
        in motifs[5]
    assert "collectivité « CA de Cambrai » de type « EPCI »" in motifs[6]
    assert "absente de collectivites.csv" in motifs[7]
    assert "coût total illisible « beaucoup »" in motifs[8]
    assert f"UUID « {twice} » en double dans le fichier (déjà ligne 9)" in motifs[10]
    assert "createdAt illisible « 15/04/2025 »" in motifs[12]
    if "bloque" in STATUTS:  # « Bloqué » reads as « bloque », once the registry has it
        assert set(motifs) == {3, 4, 5, 6, 7, 8, 10, 12}
    else:
        assert "statut" in motifs[11]
        assert set(motifs) == {3, 4, 5, 6, 7, 8, 10, 11, 12}
    assert repo.count("nord") == 0


def test_a_bare_projets_csv_is_recognised(repo, ctx):
    csv_bytes = sc._csv([_projet(nom="Seul", collectiviteIds=[]),
                         _projet(nom="Relié")], sc.PROJET_FIELDS)
    table = read_table(csv_bytes, "projets-territoire.csv")
    assert {"uuid", "titre", "statut"} <= set(table.df.columns)
    with pytest.raises(ImportRejected) as exc:
        import_file(csv_bytes, "projets-territoire.csv", ctx, repo, "u")
    (row,) = exc.value.report.rejected
    assert row["ligne"] == 3 and "absente de collectivites.csv" in row["motifs"]


def test_reimporting_an_export_keeps_what_the_schema_does_not_carry(repo, ctx):
    kept = repo.create(sample(ref="S1", source="Document fondateur, p. 3",
                              partenaires="Région", participation_cd=800000), user="u")
    data = sc.export_package(repo.dataframe("nord"), ctx)
    report, created = import_file(data, "export.zip", ctx, repo, "u")
    assert created == [] and report.updates == [] and report.unchanged == [2]
    again = repo.get(kept["id"])
    assert (again["source"], again["partenaires"], again["participation_cd"], again["ref"],
            again["cout_total"], again["version"]) == (
        "Document fondateur, p. 3", "Région", 800000.0, "S1", 1200000.5, 1)


def test_a_projets_file_without_its_required_columns_is_refused(repo, ctx):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("datapackage.json", "{}")
        zf.writestr(sc.PROJETS_CSV, "nom,phase\nX,Idée\n")
    with pytest.raises(ImportRejected, match=r"Fichier « sans-id\.zip › projets-territoire\.csv » "
                                             r"refusé : colonne\(s\) obligatoire\(s\) du schéma "
                                             r"absente\(s\) : id\."):
        import_file(buf.getvalue(), "sans-id.zip", ctx, repo, "u")
    assert repo.count("nord") == 0


def test_a_package_without_its_projects_is_refused(repo, ctx):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("datapackage.json", "{}")
        zf.writestr("autre.csv", "a,b\n1,2\n")
    with pytest.raises(ImportRejected, match="Fichier « vide.zip » refusé : la ressource "
                                             "« projets-territoire »"):
        import_file(buf.getvalue(), "vide.zip", ctx, repo, "u")


# -- the uuid column -------------------------------------------------------------------------
def test_uuid_is_set_on_create_kept_when_given_and_checked(repo):
    a = repo.create(sample(ref="A"), user="u")
    b = repo.create(sample(ref="B"), user="u")
    assert uuid.UUID(a["uuid"]).version == 4 and a["uuid"] != b["uuid"]
    given = str(uuid.uuid4())
    assert repo.create(sample(ref="C", uuid=given.upper()), user="u")["uuid"] == given
    with pytest.raises(ValidationError, match="UUID invalide"):
        repo.create(sample(ref="D", uuid="123"), user="u")
    with pytest.raises(ProjetError, match="l'UUID .* est déjà celui d'un projet"):
        repo.create(sample(ref="E", uuid=given), user="u")
    # an edit never changes it
    after = repo.update(a["id"], {"titre": "Autre", "uuid": given}, 1, user="u")
    assert after["uuid"] == a["uuid"]


def _migration_module():
    path = db.MIGRATIONS_DIR / "versions" / "0005_projet_uuid.py"
    spec = importlib.util.spec_from_file_location("m0005", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_backfills_the_repository_s_uuid():
    m = _migration_module()
    assert m.NAMESPACE == UUID_NAMESPACE
    assert m.backfill_uuid("nord", 7) == backfill_uuid("nord", 7)


def _table(engine, uuid_col: bool) -> list[tuple]:
    cols = "id, ref, titre, pack, territoire, commune, cout_total, deleted_at IS NOT NULL" + (
        ", uuid" if uuid_col else "")
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT {cols} FROM projet ORDER BY id"))]


def test_migration_0005_backfills_deterministically_and_downgrades(bare_engine):
    import datetime as dt

    at = dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.UTC)
    _migrate(bare_engine, "0003_pack_territoire")
    with bare_engine.begin() as conn:
        for rid, ref, pack, deleted in ((1, "CAM-1", "nord", False), (2, None, "nord", True),
                                        (5, "CAM-1", "somme", False)):
            conn.execute(text(
                "INSERT INTO projet (id, ref, titre, pack, territoire, commune, categorie, "
                "illustratif, created_at, updated_at, deleted_at, version, cout_total) VALUES "
                "(:id, :ref, :titre, :pack, 'cambresis', '59122', 'mod', false, :at, :at, "
                ":del, 2, 1200000.5)"),
                {"id": rid, "ref": ref, "titre": f"Projet « {rid} » é", "pack": pack, "at": at,
                 "del": at if deleted else None})
    before = _table(bare_engine, False)
    _migrate(bare_engine, "0005_projet_uuid")
    after = _table(bare_engine, True)
    assert [r[:-1] for r in after] == before  # no row lost or changed
    assert [r[-1] for r in after] == [str(uuid.uuid5(UUID_NAMESPACE, f"{p}:{i}"))
                                      for i, p in ((1, "nord"), (2, "nord"), (5, "somme"))]
    indexes = {i["name"]: i for i in inspect(bare_engine).get_indexes("projet")}
    assert indexes["uq_projet_pack_uuid"]["column_names"] == ["pack", "uuid"]
    assert indexes["uq_projet_pack_uuid"]["unique"]
    with pytest.raises(Exception, match="(?i)unique|duplicate"), bare_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO projet (titre, pack, categorie, illustratif, created_at, updated_at, "
            "version, uuid) VALUES ('x', 'nord', 'mod', false, :at, :at, 1, :u)"),
            {"at": at, "u": after[0][-1]})
    _migrate(bare_engine, "0003_pack_territoire", down=True)
    assert "uuid" not in {c["name"] for c in inspect(bare_engine).get_columns("projet")}
    assert _table(bare_engine, False) == before
    _migrate(bare_engine, "0005_projet_uuid")  # and up again: the same identifiers
    assert _table(bare_engine, True) == after


# -- the command line on the real Nord -----------------------------------------------------
def test_cli_export_of_the_nord_validates(built_cache, monkeypatch, tmp_path, schema_path,
                                          capsys):
    from carnet.projets.cli import demo_projets, projets_export, projets_import
    from carnet.projets.territory import TerritoryContext

    monkeypatch.setenv("CARNET_CACHE", str(built_cache))
    ctx = TerritoryContext.load("nord")
    repo = ProjetRepository(db.get_engine(f"sqlite:///{tmp_path / 'nord.sqlite'}"), ctx)
    assert demo_projets("nord", "cambresis", 40, repo=repo, user="test") == 0
    out = tmp_path / "projets.zip"
    assert projets_export("nord", "cambresis", "schema-collectivites", str(out), repo=repo) == 0
    files = _unzip(out.read_bytes())
    _validate(schema_path, tmp_path, files)
    rows = _rows(files[sc.PROJETS_CSV])
    assert len(rows) == 40
    assert {r["programme"] for r in rows} == {"Contrat de territoire du Cambrésis"}
    names = {c["codeInsee"]: c["nom"] for c in _rows(files[sc.COLLECTIVITES_CSV])}
    assert names and all(ctx.by_code[code]["nom"] == nom for code, nom in names.items())
    fresh = ProjetRepository(db.get_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}"), ctx)
    assert projets_import(str(out), "nord", repo=fresh, user="test") == 0
    again = tmp_path / "again.zip"
    assert projets_export("nord", "cambresis", "schema-collectivites", str(again),
                          repo=fresh) == 0
    assert _without_times(_rows(_unzip(again.read_bytes())[sc.PROJETS_CSV])) == \
        _without_times(rows)
    db.dispose_all()


# -- the import wizard of the page ----------------------------------------------------------
def test_the_wizard_imports_a_package_with_its_uuids(page_repo, ctx):
    from streamlit.testing.v1 import AppTest

    from tests.support import shown

    page = str(ROOT / "pages" / "plan_actions.py")
    uid = str(uuid.uuid4())
    data = _package([_projet(id=uid, nom="**Maison** <b>de santé</b>")], [CAMBRAI])
    at = AppTest.from_file(page, default_timeout=90)
    at.session_state["projets_auth"] = {"user": "marie", "role": "editor"}
    at.run()
    assert not at.exception, at.exception
    assert "Exporter au schéma national (ZIP)" in {b.label for b in at.download_button}
    at.file_uploader[0].set_value(("mec.zip", data, "application/zip"))
    at.run()
    assert not at.exception, at.exception
    notes = [shown(c.value) for c in at.caption]
    assert any("Fichier au schéma des projets des collectivités (mec.zip › "
               "projets-territoire.csv)" in n for n in notes), notes
    button = next(b for b in at.button if b.label.startswith("Importer"))
    at = button.click().run()
    assert not at.exception, at.exception
    (p,) = page_repo.dataframe("nord").to_dict("records")
    assert (p["uuid"], p["titre"], p["commune"], p["statut"]) == (
        uid, "**Maison** <b>de santé</b>", "59122", "etude")
