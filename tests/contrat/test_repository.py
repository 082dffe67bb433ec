"""ContratRepository on SQLite and PostGIS: seed, edits, locking, audit, links, T0.

The contracts are made in code (:func:`cambresis`), with the founding document's words;
expected values are written out by hand, not computed by the store's code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from carnet.contrat.model import (
    ChiffrePublie,
    Citation,
    Contrat,
    DateConnue,
    Enjeu,
    Fait,
    Instance,
    Orientation,
    Phase,
    Provenance,
    Reunion,
)
from carnet.contrat.repository import (
    ContratConflictError,
    ContratDeletedError,
    ContratRepository,
    ContratValidationError,
    UserContratRepository,
)
from carnet.errors import PermissionDenied
from carnet.projets.errors import ConflictError, ValidationError
from carnet.projets.repository import ProjetRepository
from tests.projets.conftest import ctx, engine, sample  # noqa: F401 - fixtures

DOC = "Les Contrats d'Aménagement et de Développement Durables du Nord (transcription)"


def cite(extrait: str) -> Provenance:
    return Provenance(kind="document", citation=Citation(DOC, extrait))


def cambresis(**over) -> Contrat:
    """The Cambrésis contract as the seed gives it (a part of it)."""
    data = dict(
        pack="nord", territoire="cambresis", titre="Contrat de territoire du Cambrésis",
        statut="signe",
        phases=(Phase("signature", debut=DateConnue(
            date(2011, 7, 7), cite("Après la signature du Contrat du Cambrésis le 7 juillet "
                                   "2011"))),),
        instances=(Instance("conference_partenariale", "Conférence partenariale",
                            "partenarial", "politique", cite("Conférence partenariale")),
                   Instance("comite_pilotage", "Comité de pilotage", "interne", "",
                            cite("comité de pilotage"))),
        reunions=(Reunion(date(2011, 7, 7), "conference_partenariale", "Signature du contrat",
                          provenance=cite("le 7 juillet 2011")),),
        chiffres=(ChiffrePublie("conferences_partenariales", "conférences partenariales", 8,
                                cite("8 Conférences partenariales et plus de 30 groupes de "
                                     "travail")),
                  ChiffrePublie("groupes_travail", "groupes de travail", 30,
                                cite("plus de 30 groupes de travail"), borne="plus_de")),
        orientations=(Orientation("canal", "Tirer parti du Canal Seine-Nord Europe",
                                  provenance=cite("l'arrivée du Canal Seine-Nord Europe")),),
        enjeux=(Enjeu("base-aerienne", "Fermeture de la base aérienne",
                      texte="1 500 emplois directs", indicateurs=("emplois_2018",),
                      orientations=("developpement", "canal"),
                      provenance=cite("la fermeture de la base aérienne")),),
        faits=(Fait("unanimite", "Documents votés à l'unanimité", cite("à l'unanimité")),),
    )
    data.update(over)
    return Contrat(**data)


@pytest.fixture
def store(engine):  # noqa: F811 - the projects' engine fixture
    return ContratRepository(engine, "nord")


def _count(engine, table: str) -> int:  # noqa: F811
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


# --------------------------------------------------------------------------- seed
def test_seed_writes_the_contract_and_reads_it_back(store):
    report = store.seed({"cambresis": cambresis()})
    assert report.created == ["cambresis"]
    got = store.get("cambresis")
    assert got.titre == "Contrat de territoire du Cambrésis" and got.statut == "signe"
    sig = got.phase("signature")
    assert sig.debut.valeur == date(2011, 7, 7)
    assert sig.debut.provenance.citation.extrait.startswith("Après la signature")
    assert [i.code for i in got.instances] == ["conference_partenariale", "comite_pilotage"]
    assert got.chiffre("groupes_travail").valeur == 30
    assert got.chiffre("groupes_travail").borne == "plus_de"
    assert got.enjeux[0].orientations == ("developpement", "canal")
    assert got.enjeux[0].indicateurs == ("emplois_2018",)
    assert got.reunions[0].date == date(2011, 7, 7)
    assert got.fait("unanimite").provenance.citation.extrait == "à l'unanimité"
    assert [c.territoire for c in store.list()] == ["cambresis"]
    assert store.get("douaisis") is None


def test_seed_is_idempotent(store, engine):  # noqa: F811
    store.seed([cambresis()])
    audits, before = _count(engine, "contrat_audit"), store.get("cambresis")
    again = store.seed([cambresis()])
    assert again.created == [] and again.changed == 0 and again.kept == []
    assert _count(engine, "contrat_audit") == audits
    assert store.get("cambresis") == before


def test_seed_replaces_its_own_rows_but_keeps_an_editors(store):
    store.seed([cambresis()])
    # an editor corrects the conference's label; nobody touches the count
    inst = store.get("cambresis").instances[0]
    store.save_instance("cambresis", Instance(inst.code, "Conférence partenariale du Cambrésis",
                                              "partenarial", "politique", version=inst.version),
                        user="alice")
    # the seed file changes both
    new_seed = cambresis(
        instances=(Instance("conference_partenariale", "Conférence (graine v2)", "partenarial",
                            "politique", cite("Conférence partenariale")),
                   cambresis().instances[1]),
        chiffres=(ChiffrePublie("conferences_partenariales", "conférences partenariales", 9,
                                cite("9 Conférences")), cambresis().chiffres[1]))
    report = store.seed([new_seed])
    got = store.get("cambresis")
    assert got.instances[0].libelle == "Conférence partenariale du Cambrésis"  # kept
    assert got.instances[0].provenance.kind == "saisie"
    assert got.chiffre("conferences_partenariales").valeur == 9  # seeded row replaced
    assert report.kept == ["cambresis, instance « conference_partenariale » : modifié(e) "
                           "par alice, gardé(e)"]
    assert report.changed == 1


def test_seed_does_not_recreate_what_an_editor_deleted(store):
    store.seed([cambresis()])
    reunion = store.get("cambresis").reunions[0]
    store.delete_reunion("cambresis", reunion.id, user="bob")
    report = store.seed([cambresis()])
    assert store.get("cambresis").reunions == ()
    assert len(report.kept) == 1 and "supprimé(e) par bob" in report.kept[0]


def test_seed_finds_its_row_after_an_editor_changed_its_key(store):
    """An editor rewrites a seeded meeting's object: the seed neither re-adds it nor
    overwrites it (its natural key changed, its stored ``cle`` did not)."""
    store.seed([cambresis()])
    r = store.get("cambresis").reunions[0]
    store.update_reunion("cambresis", Reunion(r.date, r.instance, "Signature solennelle",
                                              id=r.id, version=r.version), user="alice")
    report = store.seed([cambresis()])
    assert [x.objet for x in store.get("cambresis").reunions] == ["Signature solennelle"]
    assert report.kept == ["cambresis, réunion « 7 juillet 2011, conference_partenariale, "
                           "Signature du contrat » : modifié(e) par alice, gardé(e)"]
    # an import of the current contract matches the row as it is now: nothing changes
    assert store.import_contrat(store.get("cambresis"), user="bob").changed == 0


# --------------------------------------------------------------------------- editors
def test_editor_write_is_a_saisie_with_user_and_time(store):
    store.seed([cambresis()])
    before = datetime.now(UTC)
    phase = store.get("cambresis").phase("signature")
    saved = store.save_phase("cambresis", Phase(
        "signature", debut=phase.debut, fin=DateConnue(date(2011, 7, 8), cite("x")),
        version=phase.version), user="alice")
    assert saved.debut.provenance.kind == "document"  # unchanged date keeps its source
    assert saved.fin.provenance.kind == "saisie" and saved.fin.provenance.user == "alice"
    assert saved.fin.provenance.at >= before.replace(microsecond=0)
    assert saved.version == 2


def test_two_editors_on_one_meeting_conflict_and_nothing_is_overwritten(store):
    store.seed([cambresis()])
    r = store.get("cambresis").reunions[0]
    store.update_reunion("cambresis", Reunion(r.date, r.instance, "Signature (Alice)",
                                              id=r.id, version=r.version), user="alice")
    with pytest.raises(ContratConflictError) as err:
        store.update_reunion("cambresis", Reunion(r.date, r.instance, "Signature (Bob)",
                                                  id=r.id, version=r.version), user="bob")
    assert isinstance(err.value, ConflictError)
    assert str(err.value).startswith(f"Conflit : la réunion n°{r.id} (7 juillet 2011) a été "
                                     "modifiée par alice")
    assert "Rien n'a été écrasé" in str(err.value)
    assert {d["champ"] for d in err.value.differences()} >= {"objet"}
    assert store.get("cambresis").reunions[0].objet == "Signature (Alice)"


def test_two_editors_on_two_meetings_do_not_conflict(store):
    store.seed([cambresis()])
    added = store.add_reunion("cambresis", Reunion(date(2012, 3, 1), "comite_pilotage",
                                                   "Bilan"), user="bob")
    r = store.get("cambresis").reunions[0]
    store.update_reunion("cambresis", Reunion(r.date, r.instance, "Signature", document="a.pdf",
                                              id=r.id, version=r.version), user="alice")
    store.update_reunion("cambresis", Reunion(added.date, added.instance, "Bilan annuel",
                                              id=added.id, version=added.version), user="bob")
    assert [x.objet for x in store.get("cambresis").reunions] == ["Signature", "Bilan annuel"]


def test_every_change_is_audited_with_before_and_after(store):
    store.seed([cambresis()])
    r = store.get("cambresis").reunions[0]
    store.update_reunion("cambresis", Reunion(r.date, r.instance, "Autre objet", id=r.id,
                                              version=r.version), user="alice")
    store.delete_reunion("cambresis", r.id, user="alice")
    store.restore_reunion("cambresis", r.id, user="alice")
    entries = [h for h in store.history("cambresis") if h["objet"] == "reunion"]
    assert [h["action"] for h in entries] == ["seed", "update", "delete", "restore"]
    update = entries[1]
    assert update["user"] == "alice" and update["objet_id"] == r.id
    assert update["before"]["objet"] == "Signature du contrat"
    assert update["after"]["objet"] == "Autre objet"
    assert update["after"]["prov_kind"] == "saisie" and update["after"]["version"] == 2
    assert entries[2]["after"]["deleted_by"] == "alice"
    assert store.get("cambresis").reunions[0].objet == "Autre objet"


def test_deleted_meeting_cannot_be_edited(store):
    store.seed([cambresis()])
    r = store.get("cambresis").reunions[0]
    store.delete_reunion("cambresis", r.id, user="alice")
    with pytest.raises(ContratDeletedError, match="restaurez-la"):
        store.update_reunion("cambresis", Reunion(r.date, r.instance, "x", id=r.id,
                                                  version=r.version + 1), user="bob")


# --------------------------------------------------------------------------- validation
def test_validation_messages_are_french_and_precise(store):
    store.seed([cambresis()])
    with pytest.raises(ContratValidationError) as err:
        store.save_phase("cambresis", Phase(
            "signature", debut=DateConnue(date(2011, 7, 7), cite("a")),
            fin=DateConnue(date(2011, 3, 1), cite("b"))), user="alice")
    assert isinstance(err.value, ValidationError)
    assert err.value.errors == ["phase « Signature du contrat » : la fin (1er mars 2011) "
                                "précède le début (7 juillet 2011)"]
    with pytest.raises(ContratValidationError, match=r"phase inconnu\(e\) « signatur » "
                       r"\(valeurs possibles : « diagnostic », « enjeux »"):
        store.save_phase("cambresis", Phase("signatur"), user="alice")
    with pytest.raises(ContratValidationError, match=r"instance inconnu\(e\) « copil » "
                       r"\(valeurs possibles : « conference_partenariale », "
                       r"« comite_pilotage »\)"):
        store.add_reunion("cambresis", Reunion(date(2012, 1, 1), "copil", "x"), user="alice")
    with pytest.raises(ContratValidationError,
                       match=r"titre de l'enjeu trop long \(301 caractères, au plus 300\)"):
        store.save_enjeu("cambresis", Enjeu("", "é" * 301), user="alice")
    with pytest.raises(ContratValidationError, match=r"indicateur inconnu « chomage_x »"):
        store.save_enjeu("cambresis", Enjeu("", "Chômage", indicateurs=("chomage_x",)),
                         user="alice")
    with pytest.raises(ContratValidationError, match=r"orientation inconnue « culture » "
                       r"\(valeurs possibles : cohesion, environnement, developpement, canal\)"):
        store.save_enjeu("cambresis", Enjeu("", "Culture", orientations=("culture",)),
                         user="alice")
    with pytest.raises(ContratValidationError, match="celui d'une orientation du Département"):
        store.save_orientation("cambresis", Orientation("cohesion", "Cohésion"), user="alice")
    assert store.get("cambresis") == store.get("cambresis")  # nothing half-written


def test_a_whole_contract_is_validated_before_anything_is_written(store, engine):  # noqa: F811
    bad = cambresis(statut="signé", reunions=(Reunion(date(2012, 1, 1), "inconnue", ""),))
    with pytest.raises(ContratValidationError) as err:
        store.seed([bad])
    msgs = err.value.errors
    assert any(m.startswith("statut : statut inconnu(e) « signé »") for m in msgs)
    assert any(m.startswith("reunions[0] : instance inconnu(e) « inconnue »") for m in msgs)
    assert "reunions[0] : objet de la réunion obligatoire" in msgs
    assert _count(engine, "contrat") == 0


# --------------------------------------------------------------------------- enjeux ↔ projets
def test_projects_link_to_the_enjeu_whose_title_they_name(store, engine, ctx):  # noqa: F811
    projets = ProjetRepository(engine, ctx)
    a = projets.create(sample(titre="A", enjeu="  fermeture de la BASE aerienne "), "alice")
    b = projets.create(sample(titre="B", enjeu="Emploi des jeunes"), "alice")
    c = projets.create(sample(titre="C", enjeu="Fermeture de la base aérienne",
                              territoire="metropole-lilloise", commune="59350"), "alice")
    report = store.seed([cambresis()])
    enjeu = store.get("cambresis").enjeux[0]
    assert report.linked == 1
    assert projets.get(a["id"])["enjeu_id"] == enjeu.id
    assert projets.get(a["id"])["enjeu"] == "fermeture de la BASE aerienne"  # text kept
    assert projets.get(b["id"])["enjeu_id"] is None
    assert projets.get(c["id"])["enjeu_id"] is None  # another territoire
    assert report.libres == [{"territoire": "cambresis", "enjeu": "Emploi des jeunes",
                              "projets": 1, "refs": [f"n°{b['id']}"]}]
    assert [h["action"] for h in projets.history(a["id"])] == ["create", "lien_enjeu"]
    # a new enjeu named after the free value links it
    store.save_enjeu("cambresis", Enjeu("", "Emploi des jeunes"), user="alice")
    assert projets.get(b["id"])["enjeu_id"] is not None
    assert store.enjeux_libres() == [{"territoire": "metropole-lilloise",
                                      "enjeu": "Fermeture de la base aérienne", "projets": 1,
                                      "refs": [f"n°{c['id']}"]}]
    # deleting the enjeu unlinks its projects; restoring links them again
    store.delete_enjeu("cambresis", enjeu.id, user="alice")
    assert projets.get(a["id"])["enjeu_id"] is None
    store.restore_enjeu("cambresis", enjeu.id, user="alice")
    assert projets.get(a["id"])["enjeu_id"] == enjeu.id
    assert projets.dataframe("nord", "cambresis")["enjeu_id"].notna().sum() == 2


def test_save_enjeu_makes_a_code_and_keeps_its_links(store):
    store.seed([cambresis()])
    e = store.save_enjeu("cambresis", Enjeu("", "Un territoire rural, peu d'ingénierie",
                                            orientations=("cohesion",)), user="alice")
    assert e.code == "un-territoire-rural-peu-d-ingenierie" and e.version == 1
    e2 = store.save_enjeu("cambresis", Enjeu(e.code, e.titre, orientations=("canal", "cohesion"),
                                             id=e.id, version=e.version), user="bob")
    assert e2.orientations == ("canal", "cohesion") and e2.version == 2
    with pytest.raises(ContratConflictError, match="l'enjeu « Un territoire rural"):
        store.save_enjeu("cambresis", Enjeu(e.code, "Autre", id=e.id, version=1), user="alice")


# --------------------------------------------------------------------------- T0
def test_t0_is_written_once(store):
    store.seed([cambresis()])
    assert store.t0("cambresis") is None
    snap = {"signature": date(2011, 7, 7),
            "indicateurs": {"pop": {"territoire": 318000, "millesime": 2011},
                            "revenu": {"territoire": float("nan")}}}
    assert store.freeze_t0("cambresis", snap, user="alice") is True
    assert store.freeze_t0("cambresis", {"autre": 1}, user="bob") is False
    assert store.t0("cambresis") == {
        "signature": "2011-07-07",
        "indicateurs": {"pop": {"territoire": 318000, "millesime": 2011},
                        "revenu": {"territoire": None}}}
    assert store.t0_frozen("cambresis")[1] == "alice"
    assert [h["action"] for h in store.history("cambresis") if h["objet"] == "t0"] == ["freeze"]


# --------------------------------------------------------------------------- roles
def test_a_viewer_cannot_write_an_editor_can(store):
    store.seed([cambresis()])
    viewer = UserContratRepository(store, "lea", "viewer")
    assert viewer.get("cambresis").titre == "Contrat de territoire du Cambrésis"
    with pytest.raises(PermissionDenied, match="Action refusée"):
        viewer.add_reunion("cambresis", Reunion(date(2012, 1, 1), "comite_pilotage", "x"))
    editor = UserContratRepository(store, "max", "editor")
    r = editor.add_reunion("cambresis", Reunion(date(2012, 1, 1), "comite_pilotage", "Bilan"))
    assert r.provenance.user == "max"
    with pytest.raises(PermissionDenied):
        editor.seed([cambresis()])


# --------------------------------------------------------------------------- app start
def test_app_start_seeds_the_packs_contracts_and_survives_a_bad_seed(engine, monkeypatch,  # noqa: F811
                                                                     caplog):
    import carnet.contrat.seed as seed_module
    from carnet.errors import ConfigError
    from carnet.ui.projets import _seed_contrats

    _seed_contrats(engine, "nord")
    got = ContratRepository(engine, "nord").get("cambresis")
    assert got.phase("signature").debut.valeur == date(2011, 7, 7)
    assert got.chiffre("conferences_partenariales").valeur == 8

    def broken(pack_id):
        raise ConfigError("Fichier contrats/cambresis.toml : [[phases]] n°1 : date invalide")

    monkeypatch.setattr(seed_module, "contrats", broken)
    _seed_contrats(engine, "nord")  # logged, not raised: the action plan still opens
    assert "date invalide" in caplog.text


# --------------------------------------------------------------------------- two processes
_CHILD = r"""
import sys, time
from pathlib import Path
from carnet.db import get_engine
from carnet.contrat.repository import ContratRepository
from carnet.contrat.seed import contrats
go = Path(sys.argv[2])
found = contrats("nord")
Path(sys.argv[3]).touch()  # ready
while not go.exists():
    time.sleep(0.002)
print("created", len(ContratRepository(get_engine(sys.argv[1]), "nord").seed(found).created))
"""


@pytest.mark.slow  # two interpreters racing
@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_two_processes_seed_the_contracts_at_once(backend, tmp_path):
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from carnet import db
    from carnet.contrat.seed import contrats
    from tests.projets.conftest import PG_URL, _reset_pg

    if backend == "postgis":
        if not PG_URL:
            pytest.skip("CARNET_TEST_DATABASE_URL non défini : tests PostGIS ignorés")
        _reset_pg(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    schema = db.make_engine(url)
    db.upgrade(schema)  # the schema first: this race is the seed's
    schema.dispose()
    root = Path(__file__).resolve().parents[2]
    go, ready = tmp_path / "go", [tmp_path / f"ready{k}" for k in range(2)]
    env = {**os.environ, "PYTHONPATH": str(root)}
    procs = [subprocess.Popen([sys.executable, "-c", _CHILD, url, str(go), str(r)], cwd=root,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for r in ready]
    while not all(r.exists() for r in ready):
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.01)
    go.touch()
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-3000:]
    n = len(contrats("nord"))
    assert sorted(int(out.split()[-1]) for out, _ in outs) == [0, n], outs
    raced = db.make_engine(url)
    with raced.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM contrat")).scalar_one() == n
        assert conn.execute(text("SELECT COUNT(*) FROM phase")).scalar_one() == sum(
            len(c.phases) for c in contrats("nord").values())
    raced.dispose()
