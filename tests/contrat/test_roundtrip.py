"""Contract round trip: export → import into a fresh database → export is identical.

JSON and TOML, on SQLite (and PostGIS for the store half); through the command line
(``python -m carnet contrat export|import|seed|enjeux-libres``) and through the codec.
Bad files are refused with a French message naming the file and the key, and leave the
store exactly as it was.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carnet import db
from carnet.cli import main
from carnet.contrat import codec
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
from carnet.contrat.repository import ContratRepository, ContratValidationError
from tests.contrat.test_repository import cambresis, cite
from tests.projets.conftest import engine  # noqa: F401 - fixture

#: Texts that must come back byte for byte (markup, formulas, quotes, controls allowed).
NASTY = ("<b>gras</b> & « guillemets » \"doubles\" 'simples' — =SUM(A1) [lien](http://x) "
         "{{ jinja }} $\\LaTeX$ 🙂\nligne 2\tTab")


def rich() -> Contrat:
    """A contract with every part filled, uncertain dates, editors' entries and odd text."""
    base = cambresis()
    return Contrat(
        pack="nord", territoire="cambresis", titre="Contrat du Cambrésis " + NASTY[:40],
        statut="signe", notes=NASTY,
        phases=(
            Phase("diagnostic", debut=DateConnue(date(2009, 2, 28), cite("en 2009"),
                                                 certitude="incertaine",
                                                 note="mois incertain " + NASTY),
                  fin=DateConnue(date(2010, 6, 30), Provenance(kind="source",
                                                               source="insee_rp"))),
            base.phases[0],
        ),
        instances=base.instances + (Instance("groupes_techniques", "Groupes techniques "
                                             "territoriaux", "partenarial", "technique",
                                             cite("groupes techniques")),),
        reunions=base.reunions + (Reunion(date(2012, 2, 29), "comite_pilotage", NASTY[:200],
                                          document="https://example.org/cr?a=1&b=2",
                                          provenance=cite("février")),),
        chiffres=base.chiffres,
        orientations=base.orientations + (Orientation("rural", "Ruralité", texte=NASTY,
                                                      provenance=cite("rural")),),
        enjeux=base.enjeux + (Enjeu("crise", "Effets de la crise",
                                    indicateurs=("emplois_2018", "emplois_2022"),
                                    orientations=("rural",), provenance=cite("la crise")),),
        faits=(Fait("unanimite", "Voté à l'unanimité", cite("à l'unanimité")),),
    )


def _store(url: str) -> ContratRepository:
    return ContratRepository(db.get_engine(url), "nord")


@pytest.fixture
def urls(tmp_path, monkeypatch):
    """Two fresh SQLite databases; the CLI uses the first (``$CARNET_DATABASE_URL``)."""
    first = f"sqlite:///{tmp_path / 'a.sqlite'}"
    monkeypatch.setenv("CARNET_DATABASE_URL", first)
    yield first, f"sqlite:///{tmp_path / 'b.sqlite'}"
    db.dispose_all()


def _edit(store: ContratRepository) -> None:
    """Editors' entries: provenance « saisie » with user and timestamp."""
    c = store.get("cambresis")
    store.add_reunion("cambresis", Reunion(date(2013, 1, 15), "comite_pilotage",
                                           "Comité « bilan » <i>2012</i>"), user="alice")
    r = c.reunions[0]
    store.update_reunion("cambresis", Reunion(r.date, r.instance, "Signature officielle",
                                              id=r.id, version=r.version), user="bob")
    store.save_enjeu("cambresis", Enjeu("", "Un territoire rural, peu d'ingénierie",
                                        orientations=("cohesion", "rural")), user="alice")


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_cli_export_import_export_is_identical(urls, tmp_path, fmt, monkeypatch):
    first, second = urls
    store = _store(first)
    store.seed([rich()])
    _edit(store)
    out1, out2 = tmp_path / f"1.{fmt}", tmp_path / f"2.{fmt}"
    export = ["contrat", "export", "--pack", "nord", "--territoire", "cambresis", "--format",
              fmt, "--output"]
    assert main([*export, str(out1)]) == 0
    # import into a fresh database, export again: the same bytes
    monkeypatch.setenv("CARNET_DATABASE_URL", second)
    assert main(["contrat", "import", "--pack", "nord", str(out1),
                 "--utilisateur", "carol"]) == 0
    assert main([*export, str(out2)]) == 0
    assert out2.read_bytes() == out1.read_bytes()
    assert _store(second).history("cambresis")[0]["user"] == "cli:carol"
    # the tree: dates as ISO text, codes as text, editors' entries with user and time
    text = out1.read_text(encoding="utf-8")
    tree = json.loads(text) if fmt == "json" else tomllib.loads(text)
    assert tree["phases"][0]["debut"] == {
        "valeur": "2009-02-28", "certitude": "incertaine", "note": "mois incertain " + NASTY,
        "provenance": {"kind": "document", "document": cite("").citation.document,
                       "extrait": "en 2009"}}
    assert tree["phases"][0]["fin"]["provenance"] == {"kind": "source", "source": "insee_rp"}
    added = next(r for r in tree["reunions"] if r["date"] == "2013-01-15")
    assert added["objet"] == "Comité « bilan » <i>2012</i>"
    assert added["provenance"]["kind"] == "saisie" and added["provenance"]["user"] == "alice"
    assert added["provenance"]["at"].endswith("+00:00")
    assert [r["date"] for r in tree["reunions"]] == ["2011-07-07", "2012-02-29", "2013-01-15"]
    assert tree["notes"] == NASTY
    assert tree["enjeux"][0]["indicateurs"] == ["emplois_2018"]
    assert all(isinstance(x["code"], str) for x in tree["instances"])


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_store_round_trip_on_each_backend(engine, tmp_path, fmt):  # noqa: F811
    store = ContratRepository(engine, "nord")
    store.seed([rich()])
    _edit(store)
    once = codec.dumps(store.get("cambresis"), fmt)
    # importing its own export changes nothing (no write, no audit entry)
    audits = len(store.history("cambresis"))
    report = store.import_contrat(codec.loads(once, fmt), user="carol")
    assert report.changed == 0 and len(store.history("cambresis")) == audits
    # into an emptied store (a fresh one on the same backend): the same text again
    db.dispose_all()
    fresh_url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    fresh = _store(fresh_url)
    fresh.import_contrat(codec.loads(once, fmt), user="carol")
    assert codec.dumps(fresh.get("cambresis"), fmt) == once


def test_import_replaces_the_contract_and_is_audited(urls):
    first, _ = urls
    store = _store(first)
    store.seed([rich()])
    smaller = cambresis(titre="Contrat du Cambrésis (révisé)")
    report = store.import_contrat(smaller, user="carol")
    got = store.get("cambresis")
    assert got.titre == "Contrat du Cambrésis (révisé)"
    assert [r.objet for r in got.reunions] == ["Signature du contrat"]
    assert [e.code for e in got.enjeux] == ["base-aerienne"]
    assert got.phase("diagnostic") is None
    assert report.changed >= 5
    actions = {(h["objet"], h["action"]) for h in store.history("cambresis")}
    assert ("enjeu", "delete") in actions and ("contrat", "import") in actions
    # an imported row is an editor's: a later seed keeps it
    seed_report = store.seed([cambresis()])
    assert store.get("cambresis").titre == "Contrat du Cambrésis (révisé)"
    assert seed_report.kept


def test_bad_files_are_refused_naming_file_and_key_and_nothing_changes(urls, tmp_path,
                                                                        capsys):
    first, _ = urls
    store = _store(first)
    store.seed([rich()])
    before = codec.dumps(store.get("cambresis"), "json")
    audits = len(store.history("cambresis"))
    tree = codec.to_tree(rich())
    cases = []
    t = json.loads(json.dumps(tree))
    t["enjeux"][1]["indicateurs"] = ["emplois_2018", "pas_un_indicateur"]
    t["titre"] = "Tout nouveau titre"  # valid change that must not be half-applied
    cases.append(("indic.json", json.dumps(t), "Contrat invalide : enjeux[1] : indicateur "
                                               "inconnu « pas_un_indicateur »"))
    t = json.loads(json.dumps(tree))
    t["reunions"][0]["date"] = "07/07/2011"
    cases.append(("date.json", json.dumps(t), "clé « reunions[0].date » : date « 07/07/2011 » "
                                              "invalide"))
    t = json.loads(json.dumps(tree))
    t["phases"][0]["debut"]["provenanse"] = {}
    cases.append(("typo.json", json.dumps(t), "clé « phases[0].debut.provenanse » : clé "
                                              "inconnue"))
    cases.append(("broken.toml", 'titre = "x\n', "TOML illisible"))
    cases.append(("latin1.json", None, "texte non UTF-8"))
    t = json.loads(json.dumps(tree))
    t["pack"] = "somme"
    cases.append(("pack.json", json.dumps(t), "pack : « somme » n'est pas le pack nord"))
    for name, content, expected in cases:
        path = tmp_path / name
        if content is None:
            path.write_bytes('{"titre": "Cambrésis"}'.encode("latin-1"))
        else:
            path.write_text(content, encoding="utf-8")
        assert main(["contrat", "import", "--pack", "nord", str(path),
                     "--utilisateur", "carol"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"Erreur : Fichier {path}"), err
        assert expected in err, (name, err)
        assert "Rien n'a été importé" in err
        assert "Traceback" not in err
    assert codec.dumps(store.get("cambresis"), "json") == before
    assert len(store.history("cambresis")) == audits


def test_cli_seed_and_free_enjeux(urls, capsys):
    from carnet.projets.repository import ProjetRepository

    first, _ = urls
    projets = ProjetRepository(db.get_engine(first))
    projets.create_many([{"titre": "Pôle gare", "pack": "nord", "territoire": "cambresis",
                          "enjeu": "Mobilités", "ref": "CAM-9", "categorie": "mod"}],
                        user="alice", validate=False)
    assert main(["contrat", "export", "--pack", "nord", "--territoire", "douaisis",
                 "--format", "json"]) == 2  # before the seed: no contract yet
    assert "aucun contrat enregistré pour le territoire « douaisis »" in capsys.readouterr().err
    assert main(["contrat", "seed", "--pack", "nord"]) == 0
    out = capsys.readouterr().out
    first_line = out.splitlines()[0]
    assert first_line.startswith("Contrats créés : ") and "cambresis" in first_line
    assert main(["contrat", "seed", "--pack", "nord"]) == 0
    assert "Contrats créés : aucun." in capsys.readouterr().out
    assert main(["contrat", "enjeux-libres", "--pack", "nord"]) == 0
    out = capsys.readouterr().out
    assert "cambresis\t« Mobilités »\t1 projet(s) : CAM-9" in out
    assert main(["contrat", "export", "--pack", "nord", "--territoire", "nulle-part",
                 "--format", "json"]) == 2
    assert "Territoire inconnu « nulle-part »" in capsys.readouterr().err


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titre=_text.filter(lambda s: s.strip()), objet=_text.filter(lambda s: s.strip()),
       extrait=_text, day=st.dates(date(1990, 1, 1), date(2099, 12, 31)))
def test_codec_round_trip_keeps_any_text_and_date(titre, objet, extrait, day):
    c = Contrat(pack="nord", territoire="cambresis", titre=titre, statut="signe",
                instances=(Instance("copil", "Copil", "interne"),),
                reunions=(Reunion(day, "copil", objet,
                                  provenance=Provenance(citation=Citation("Doc", extrait))),),
                chiffres=(ChiffrePublie("n", "n", 3, Provenance(kind="source", source="s")),))
    for fmt in codec.FORMATS:
        text = codec.dumps(c, fmt)
        back = codec.loads(text, fmt)
        assert back.titre == titre and back.reunions[0].objet == objet
        assert back.reunions[0].date == day
        assert codec.dumps(back, fmt) == text


def test_validation_error_type_for_a_whole_contract():
    store = ContratRepository(None, "nord", territoires=["cambresis"],
                              pack_orientations=["cohesion"])
    with pytest.raises(ContratValidationError, match=r"faits\[0\] : libellé du fait "
                                                     "obligatoire"):
        store.validate(cambresis(faits=(Fait("x", "", cite("y")),), enjeux=()))


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_the_packs_own_contracts_round_trip(urls, fmt):
    from carnet.contrat.seed import contrats

    first, second = urls
    seeded = contrats("nord")
    store, fresh = _store(first), _store(second)
    store.seed(seeded)
    for territoire in seeded:
        once = codec.dumps(store.get(territoire), fmt)
        fresh.import_contrat(codec.loads(once, fmt), user="carol")
        assert codec.dumps(fresh.get(territoire), fmt) == once, territoire
    # the store gives back what the seed read (ids and versions aside)
    got = store.get("cambresis")
    assert codec.to_tree(got) == codec.to_tree(seeded["cambresis"])
