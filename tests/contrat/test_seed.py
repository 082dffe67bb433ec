"""The pack's seed of contracts: verbatim citations, the facts read back, every French error message.

The founding document lives outside the repository (``../shared/seed/`` in CI,
``/work/shared/seed/`` here): the verbatim test skips when it is absent.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

from carnet import paths
from carnet.contrat import seed
from carnet.contrat.model import Citation, Contrat, Provenance
from carnet.contrat.phases import Position, timeline
from carnet.errors import CarnetError, ConfigError

FOUNDING = Path("seed") / "000_8725977de1e967f1.txt"
NORD = paths.PACKS_DIR / "nord" / "contrats"
TITLE = ("Les Contrats d'Aménagement et de Développement Durables du Nord — journée « Elaborer et "
         "conduire autrement un projet de territoire », Lille, 10 décembre 2012 (transcription de "
         "la présentation)")
OTHERS = ("flandre-maritime", "flandre-interieure", "metropole-lilloise", "douaisis",
          "sambre-avesnois", "valenciennois")


def founding_document() -> Path | None:
    """``<ancestor>/shared/seed/000_….txt`` for the first ancestor of the repository holding it."""
    for parent in paths.ROOT.parents:
        if (parent / "shared" / FOUNDING).is_file():
            return parent / "shared" / FOUNDING
    return None


def norm(text: str) -> str:
    return " ".join(text.split())


def raw_extraits(node, where=""):
    """Every ``extrait`` of a parsed TOML tree, with where it sits (independent of the reader)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "extrait":
                yield where, v
            else:
                yield from raw_extraits(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node, start=1):
            yield from raw_extraits(v, f"{where}[{i}]")


@pytest.fixture(scope="module")
def nord() -> dict[str, Contrat]:
    return seed.contrats("nord")


# --------------------------------------------------------------------------- the data

def test_every_extrait_appears_verbatim_in_the_founding_document():
    doc = founding_document()
    if doc is None:
        pytest.skip("document fondateur absent (../shared/seed/) : citations non vérifiées")
    text = norm(doc.read_text(encoding="utf-8"))
    files = sorted(NORD.glob("*.toml"))
    assert [f.stem for f in files] == sorted(["cambresis", *OTHERS])
    checked = 0
    for f in files:
        raw = tomllib.loads(f.read_text(encoding="utf-8"))
        for where, extrait in raw_extraits(raw):
            assert norm(extrait) in text, f"{f.name}{where} : extrait absent du document : {extrait!r}"
            checked += 1
    assert checked >= 7 * 8


def test_every_fact_of_every_seed_file_has_the_founding_document_as_provenance(nord):
    assert list(nord) == ["flandre-maritime", "flandre-interieure", "metropole-lilloise",
                          "douaisis", "cambresis", "sambre-avesnois", "valenciennois"]
    for c in nord.values():
        facts = [*(i.provenance for i in c.instances), *(x.provenance for x in c.chiffres),
                 *(e.provenance for e in c.enjeux), *(f.provenance for f in c.faits),
                 *(d.provenance for p in c.phases for d in (p.debut, p.fin) if d)]
        assert facts
        assert {p.kind for p in facts} == {"document"}
        assert {p.citation.document for p in facts} == {TITLE}


def test_cambresis_facts_read_back_with_their_values(nord):
    c = nord["cambresis"]
    assert (c.pack, c.territoire, c.titre, c.statut) == (
        "nord", "cambresis", "Contrat de territoire du Cambrésis", "signe")
    sig = c.phase("signature").debut
    assert (sig.valeur, sig.certitude) == (date(2011, 7, 7), "certaine")
    assert sig.provenance == Provenance("document", Citation(
        TITLE, "Après la signature du Contrat du Cambrésis le 7 juillet 2011"))
    counts = {x.code: (x.valeur, x.borne) for x in c.chiffres}
    assert counts == {"conferences_partenariales": (8, "exact"), "groupes_de_travail": (30, "plus_de"),
                      "projets_inscrits": (280, "exact"), "projets_engages": (91, "exact"),
                      "maitrises_ouvrage_departementales": (12, "exact")}
    assert c.chiffre("groupes_de_travail").provenance.citation.extrait == (
        "8 Conférences partenariales et plus de 30 groupes de travail")
    assert c.fait("territoire_experimentation").provenance.citation.extrait == (
        "Un territoire d’expérimentation a été choisi dans un 1er temps : le Cambrésis.")
    assert c.fait("vote_unanimite").provenance.citation.extrait == (
        "L’ensemble des documents produits a été voté à l’unanimité.")
    enjeux = {e.code: e for e in c.enjeux}
    assert list(enjeux) == ["effets_crise", "ruralite_ingenierie", "base_aerienne", "canal_seine_nord"]
    assert {"taux_chomage_2022", "taux_pauvrete_2021"} <= set(enjeux["effets_crise"].indicateurs)
    assert "1500 emplois directs" in enjeux["base_aerienne"].provenance.citation.extrait
    assert "en 2017" in enjeux["canal_seine_nord"].provenance.citation.extrait
    assert enjeux["effets_crise"].orientations == enjeux["canal_seine_nord"].orientations == ()
    assert enjeux["ruralite_ingenierie"].orientations == ("cohesion",)
    assert enjeux["base_aerienne"].orientations == ("developpement",)
    assert c.reunions == () and c.orientations == ()


def test_the_governance_of_the_document_in_every_contract(nord):
    expected = [("president", "interne", ""), ("vp_amenagement", "interne", ""),
                ("comite_pilotage", "interne", ""), ("conseillers_generaux", "interne", ""),
                ("equipes_projet", "interne", ""),
                ("conference_partenariale", "partenarial", "politique"),
                ("groupes_techniques_territoriaux", "partenarial", "technique")]
    for c in nord.values():
        assert [(i.code, i.cote, i.niveau) for i in c.instances] == expected, c.territoire
    assert nord["cambresis"].instances == nord["douaisis"].instances


def test_cambresis_timeline_on_2_december_2026(nord):
    t = timeline(nord["cambresis"], today=date(2026, 12, 2))
    rev, fin = t.etape("revoyure").debut, t.etape("fin").debut
    assert (rev.etat, rev.valeur, rev.libelle) == ("calculee", date(2014, 7, 7), "date calculée")
    assert (fin.etat, fin.valeur, fin.libelle) == ("calculee", date(2017, 7, 7), "date calculée")
    assert t.position == Position("apres_fin", "fin", date(2017, 7, 7))
    for code in ("diagnostic", "enjeux", "signature_cas", "plan_actions"):
        assert t.etape(code).debut.etat == t.etape(code).fin.etat == "inconnue"


@pytest.mark.parametrize("tid, launch, certitude, extrait", [
    ("flandre-maritime", date(2012, 2, 17), "incertaine", "Lancement 17 février 2012 Flandre maritime"),
    ("flandre-interieure", date(2012, 12, 10), "incertaine", "Lancement 10 décembre 2012 Flandre intérieure"),
    ("metropole-lilloise", date(2012, 5, 10), "incertaine", "Lancement 10 mai 2012 Arrondissement de Lille"),
    ("douaisis", date(2012, 5, 11), "incertaine", "Lancement 11 mai 2012 Douaisis"),
    ("sambre-avesnois", date(2012, 4, 24), "certaine", "le 24 avril dans la Sambre-Avesnois"),
    ("valenciennois", date(2012, 5, 10), "incertaine", "hier dans le Valenciennois"),
])
def test_the_2012_launches_start_the_diagnostic_with_their_words_and_certainty(
        nord, tid, launch, certitude, extrait):
    c = nord[tid]
    assert c.statut == "en_elaboration" and c.enjeux == () and c.chiffres == ()
    assert [p.code for p in c.phases] == ["diagnostic"]
    d = c.phase("diagnostic").debut
    assert (d.valeur, d.certitude, d.provenance.citation.extrait) == (launch, certitude, extrait)
    assert d.note  # why it is (un)certain, in words
    assert c.phase("diagnostic").fin is None
    t = timeline(c, today=date(2026, 12, 2))
    assert t.position == Position("derniere_connue", "diagnostic", launch)
    assert t.etape("signature").debut.etat == t.etape("fin").debut.etat == "inconnue"


def test_valenciennois_note_says_why_hier_is_not_the_day_before_the_presentation(nord):
    note = nord["valenciennois"].phase("diagnostic").debut.note
    assert "10 décembre 2012" in note and "dimanche" in note and "déduite" in note


def test_a_pack_without_contracts_has_none():
    assert seed.contrats("somme") == {}


def test_an_unknown_pack_lists_the_packs():
    with pytest.raises(CarnetError) as exc:
        seed.contrats("picardie")
    assert "'picardie'" in str(exc.value) and "nord" in str(exc.value) and "somme" in str(exc.value)


# --------------------------------------------------------------------------- errors

BASE = '''titre = "Contrat de test"
statut = "signe"

[documents]
doc = "Document fondateur"

[[phases]]
code = "signature"
debut = 2011-07-07
document = "doc"
extrait = "signé le 7 juillet 2011"

[[instances]]
code = "copil"
libelle = "Comité de pilotage"
cote = "interne"
document = "doc"
extrait = "Comité de pilotage"

[[chiffres]]
code = "groupes"
libelle = "groupes de travail"
valeur = 30
borne = "plus_de"
document = "doc"
extrait = "plus de 30 groupes"

[[enjeux]]
code = "crise"
titre = "La crise"
indicateurs = ["taux_chomage_2022"]
orientations = ["cohesion"]
document = "doc"
extrait = "les effets de la crise"
'''


def write(tmp_path, text: str, name: str = "cambresis.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error(tmp_path, text: str, territoire: str = "cambresis") -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        seed.read_contrat(path, pack="nord", territoire=territoire)
    msg = str(exc.value)
    assert msg.startswith(f"Fichier {path} : "), msg
    assert "Traceback" not in msg
    return msg


def test_the_base_file_reads(tmp_path):
    c = seed.read_contrat(write(tmp_path, BASE), pack="nord", territoire="cambresis")
    assert c.chiffre("groupes").borne == "plus_de"
    assert c.enjeux[0].indicateurs == ("taux_chomage_2022",)


@pytest.mark.parametrize("old, new, expected", [
    # unknown codes, listing the valid ones
    ('statut = "signe"', 'statut = "signé"',
     "statut : statut inconnu « signé » (valeurs possibles : en_elaboration, revoyure, signe, termine)"),
    ('code = "signature"', 'code = "lancement"',
     "[[phases]] n° 1 (« lancement ») : code de phase inconnu « lancement » (valeurs possibles : "
     "diagnostic, enjeux, fin, mise_en_oeuvre, plan_actions, revoyure, signature, signature_cas)"),
    ('indicateurs = ["taux_chomage_2022"]', 'indicateurs = ["taux_chomage_2023"]',
     "[[enjeux]] n° 1 (« crise ») : indicateur inconnu « taux_chomage_2023 » : ce n'est pas un des "
     "69 indicateurs du pack nord (carnet/data/indicateurs.toml) ; voulez-vous dire : "
     "taux_chomage_2022"),
    ('orientations = ["cohesion"]', 'orientations = ["emploi"]',
     "[[enjeux]] n° 1 (« crise ») : orientation inconnue « emploi » (valeurs possibles : "
     "cohesion, developpement, environnement)"),
    ('document = "doc"\nextrait = "plus', 'document = "fondateur"\nextrait = "plus',
     "[[chiffres]] n° 1 (« groupes ») : document inconnu « fondateur » (noms courts de "
     "[documents] : doc)"),
    # bad certitude, borne, cote, niveau
    ('debut = 2011-07-07', 'debut = 2011-07-07\ncertitude = "probable"',
     "[[phases]] n° 1 (« signature ») : certitude inconnu « probable » (valeurs possibles : "
     "certaine, incertaine)"),
    ('borne = "plus_de"', 'borne = "environ"',
     "[[chiffres]] n° 1 (« groupes ») : borne inconnu « environ » (valeurs possibles : au_moins, "
     "exact, plus_de)"),
    ('cote = "interne"', 'cote = "externe"',
     "[[instances]] n° 1 (« copil ») : côté inconnu « externe » (valeurs possibles : interne, "
     "partenarial)"),
    ('cote = "interne"', 'cote = "partenarial"\nniveau = "strategique"',
     "niveau inconnu « strategique » (valeurs possibles : politique, technique)"),
    ('cote = "interne"', 'cote = "interne"\nniveau = "politique"',
     "niveau « politique » pour une instance interne"),
    # provenance
    ('document = "doc"\nextrait = "Comité de pilotage"\n', '',
     "[[instances]] n° 1 (« copil ») : fait sans provenance : donnez « document » (un nom court de "
     "[documents]) et « extrait » (les mots exacts du document), ou « source »"),
    ('extrait = "plus de 30 groupes"\n', '',
     "[[chiffres]] n° 1 (« groupes ») : « document » sans « extrait »"),
    ('document = "doc"\nextrait = "les effets',
     'source = "insee-comparateur-2025-nord"\nextrait = "les effets',
     "[[enjeux]] n° 1 (« crise ») : provenance double"),
    ('document = "doc"\nextrait = "les effets de la crise"', 'source = "insee-comparateur-2099"',
     "[[enjeux]] n° 1 (« crise ») : source inconnue « insee-comparateur-2099 » : ce n'est pas un "
     "identifiant de carnet/data/sources.toml ; voulez-vous dire :"),
    # duplicates
    ('[[enjeux]]', '[[chiffres]]\ncode = "groupes"\nlibelle = "x"\nvaleur = 1\ndocument = "doc"\n'
     'extrait = "x"\n\n[[enjeux]]', "[[chiffres]] n° 2 : code « groupes » en double"),
    ('[[instances]]', '[[phases]]\ncode = "signature"\ndebut = 2011-07-08\ndocument = "doc"\n'
     'extrait = "x"\n\n[[instances]]', "[[phases]] n° 2 : code « signature » en double"),
    ('indicateurs = ["taux_chomage_2022"]', 'indicateurs = ["taux_chomage_2022", "taux_chomage_2022"]',
     "« indicateurs » : « taux_chomage_2022 » en double"),
    # shapes and types
    ('valeur = 30', 'valeur = "30"',
     "« valeur » doit être un nombre entier positif ou nul sans guillemets, trouvé le texte '30'"),
    ('valeur = 30', 'valeur = -1', "« valeur » doit être un nombre entier positif ou nul"),
    ('valeur = 30', 'valeur = true', "trouvé un booléen"),
    ('debut = 2011-07-07', 'debut = "2011-07-07"',
     "« debut » doit être une date TOML AAAA-MM-JJ sans guillemets (par exemple 2011-07-07), "
     "trouvé le texte '2011-07-07'"),
    ('debut = 2011-07-07', 'debut = 2011-07-07T10:00:00', "trouvé une date avec heure"),
    ('debut = 2011-07-07', 'debut = 2011-02-30', "TOML invalide"),
    ('code = "copil"', 'code = "copil"\nlibele = "x"',
     "[[instances]] n° 1 (« copil ») : clé inconnue « libele » (clés possibles : code, libelle, "
     "cote, niveau, document, extrait, source)"),
    ('titre = "Contrat de test"', 'titre = "Contrat de test"\ntitle = "x"', "clé inconnue « title »"),
    ('titre = "Contrat de test"\n', '', "titre : « titre » manquant (texte obligatoire)"),
    ('titre = "Contrat de test"', 'titre = "   "', "titre : « titre » est vide"),
    ('code = "copil"', 'code = "Copil !"', "code 'Copil !' invalide"),
    ('statut = "signe"', 'statut = "signe"\nreunions = "copil"', "[[reunions]] : tableau de tables attendu"),
    ('[[phases]]\ncode = "signature"\ndebut = 2011-07-07\n', '[[phases]]\ncode = "signature"\n',
     "[[phases]] n° 1 (« signature ») : ni « debut » ni « fin »"),
    ('code = "signature"\ndebut = 2011-07-07', 'code = "diagnostic"\ndebut = 2011-07-07\nfin = 2011-01-01',
     "[[phases]] n° 1 (« diagnostic ») : la fin (2011-01-01) précède le début (2011-07-07)"),
    ('debut = 2011-07-07', 'debut = 2011-07-07\nfin = 2017-07-07',
     "« fin » donnée pour « signature », qui est un jalon"),
    ('debut = 2011-07-07', 'debut = 2011-07-07\ncertitude = "incertaine"',
     "date « incertaine » sans « note » : dites pourquoi"),
    ('libelle = "Comité de pilotage"', 'libelle = "Comité\\nde pilotage"',
     "« libelle » tient sur une ligne"),
    ('libelle = "Comité de pilotage"', 'libelle = "Comité\\u0000"',
     "« libelle » contient un caractère de contrôle (U+0000), refusé"),
])
def test_each_error_names_file_row_and_reason_in_french(tmp_path, old, new, expected):
    assert old in BASE
    msg = error(tmp_path, BASE.replace(old, new, 1))
    assert expected in msg, msg


def test_reunions_name_a_body_of_the_contract(tmp_path):
    text = BASE + ('\n[[reunions]]\ndate = 2011-03-01\ninstance = "cotech"\nobjet = "x"\n'
                   'document = "doc"\nextrait = "x"\n')
    msg = error(tmp_path, text)
    assert "[[reunions]] n° 1 : instance inconnu « cotech » (valeurs possibles : copil)" in msg
    ok = seed.read_contrat(write(tmp_path, text.replace('"cotech"', '"copil"')),
                           pack="nord", territoire="cambresis")
    assert ok.reunions[0].instance == "copil" and ok.reunions[0].provenance.kind == "document"


def test_an_own_orientation_may_not_reuse_a_departement_code(tmp_path):
    text = BASE + ('\n[[orientations]]\ncode = "cohesion"\nlibelle = "x"\ndocument = "doc"\n'
                   'extrait = "x"\n')
    msg = error(tmp_path, text)
    assert "[[orientations]] n° 1 (« cohesion ») : le code « cohesion » est déjà celui d'une " \
           "orientation du Département (pack nord : cohesion, developpement, environnement)" in msg
    own = text.replace('code = "cohesion"\nlibelle = "x"', 'code = "mobilite"\nlibelle = "Mobilité"')
    own = own.replace('orientations = ["cohesion"]', 'orientations = ["cohesion", "mobilite"]')
    c = seed.read_contrat(write(tmp_path, own), pack="nord", territoire="cambresis")
    assert c.enjeux[0].orientations == ("cohesion", "mobilite")
    assert c.orientations[0].code == "mobilite"


def test_an_unknown_territoire_lists_the_pack_s_territoires(tmp_path):
    msg = error(tmp_path, BASE, territoire="hainaut")
    assert ("territoire inconnu « hainaut » dans le pack nord (territoires : cambresis, douaisis, "
            "flandre-interieure, flandre-maritime, metropole-lilloise, sambre-avesnois, "
            "valenciennois ;") in msg


def test_a_file_in_the_pack_named_after_no_territoire_is_refused(tmp_path, monkeypatch):
    packs = tmp_path / "territoires"
    (packs / "nord" / "contrats").mkdir(parents=True)
    shutil.copy(paths.PACKS_DIR / "nord" / "territoire.toml", packs / "nord" / "territoire.toml")
    (packs / "nord" / "contrats" / "cambrai.toml").write_text(BASE, encoding="utf-8")
    monkeypatch.setattr(paths, "PACKS_DIR", packs)
    with pytest.raises(ConfigError) as exc:
        seed.contrats("nord")
    assert "cambrai.toml : territoire inconnu « cambrai »" in str(exc.value)
    (packs / "nord" / "contrats" / "cambrai.toml").rename(packs / "nord" / "contrats" / "douaisis.toml")
    assert list(seed.contrats("nord")) == ["douaisis"]


def test_an_unreadable_file_says_why(tmp_path):
    path = tmp_path / "cambresis.toml"
    path.write_bytes(BASE.replace("Contrat de test", "Contrat de t\xe9st").encode("latin-1"))
    with pytest.raises(ConfigError) as exc:
        seed.read_contrat(path, pack="nord", territoire="cambresis")
    assert "n'est pas en UTF-8 (octet " in str(exc.value)
    with pytest.raises(ConfigError) as exc:
        seed.read_contrat(tmp_path / "absent.toml", pack="nord", territoire="cambresis")
    assert "absent.toml : illisible" in str(exc.value)
    msg = error(tmp_path, BASE + "\n[[enjeux]\n")
    assert re.search(r"TOML invalide, ligne \d+, colonne \d+ \(.+\)$", msg), msg


# --------------------------------------------------------------------------- hostile data

HOSTILE = [
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "**gras** [lien](javascript:alert(1)) ![i](http://example.invalid/x.png) `code` # titre",
    "=HYPERLINK(\"http://example.invalid\";\"clic\") +1 -1 @SUM(A1)",
    "{{ config }} {% raw %} ${jndi:ldap://x} \u202eevil\u202c « guillemets » ’apostrophe’",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_stay_plain_data_exactly_as_written(tmp_path, hostile):
    esc = hostile.replace("\\", "\\\\").replace('"', '\\"')
    text = (BASE.replace('titre = "La crise"', f'titre = "{esc}"\ntexte = "{esc}\\n{esc}"')
                .replace('libelle = "Comité de pilotage"', f'libelle = "{esc}"')
                .replace('extrait = "plus de 30 groupes"', f'extrait = "{esc}"')
                .replace('doc = "Document fondateur"', f'doc = "{esc}"'))
    c = seed.read_contrat(write(tmp_path, text), pack="nord", territoire="cambresis")
    assert c.enjeux[0].titre == hostile and c.enjeux[0].texte == f"{hostile}\n{hostile}"
    assert c.instances[0].libelle == hostile
    assert c.chiffres[0].provenance.citation == Citation(hostile, hostile)


def test_huge_strings_are_refused_never_truncated(tmp_path):
    long_title = "x" * 301
    msg = error(tmp_path, BASE.replace('titre = "La crise"', f'titre = "{long_title}"'))
    assert ("[[enjeux]] n° 1 (« crise ») : « titre » fait 301 caractères, plus que les 300 admis "
            "(rien n'est tronqué : raccourcissez-le)") in msg
    msg = error(tmp_path, BASE.replace('extrait = "plus de 30 groupes"', f'extrait = "{"y" * 2001}"'))
    assert "« extrait » fait 2\u202f001 caractères, plus que les 2\u202f000 admis" in msg
    # At the limit, kept whole.
    c = seed.read_contrat(write(tmp_path, BASE.replace('titre = "La crise"', f'titre = "{"x" * 300}"')),
                          pack="nord", territoire="cambresis")
    assert c.enjeux[0].titre == "x" * 300


def test_a_file_over_one_megabyte_is_refused(tmp_path):
    msg = error(tmp_path, BASE + "# " + "z" * seed.MAX_BYTES + "\n")
    assert "octets, plus que les 1\u202f000\u202f000 admis pour un contrat" in msg


def test_a_code_list_that_is_not_a_list_of_strings_is_refused(tmp_path):
    msg = error(tmp_path, BASE.replace('indicateurs = ["taux_chomage_2022"]',
                                       'indicateurs = "taux_chomage_2022"'))
    assert "« indicateurs » doit être une liste de codes entre guillemets" in msg
    msg = error(tmp_path, BASE.replace('orientations = ["cohesion"]', "orientations = [1]"))
    assert "« orientations » doit être une liste de codes" in msg


def test_phase_dates_as_tables_carry_their_own_provenance(tmp_path):
    text = BASE.replace('[[instances]]', '''[[phases]]
code = "diagnostic"

[phases.debut]
date = 2010-01-15
certitude = "incertaine"
note = "mois seul connu"
source = "cog-decoupage-administratif-2024"

[phases.fin]
date = 2010-12-15
document = "doc"
extrait = "fin du diagnostic"

[[instances]]''', 1)
    c = seed.read_contrat(write(tmp_path, text), pack="nord", territoire="cambresis")
    diag = c.phase("diagnostic")
    assert (diag.debut.valeur, diag.debut.certitude, diag.debut.note) == (
        date(2010, 1, 15), "incertaine", "mois seul connu")
    assert diag.debut.provenance == Provenance("source", source="cog-decoupage-administratif-2024")
    assert diag.fin.provenance.citation == Citation("Document fondateur", "fin du diagnostic")
    msg = error(tmp_path, text.replace('date = 2010-12-15\n', ''))
    assert "[[phases]] n° 2 (« diagnostic »), fin : « date » manquante" in msg
    msg = error(tmp_path, text.replace('note = "mois seul connu"', 'notes = "x"'))
    assert "[[phases]] n° 2 (« diagnostic »), debut : clé inconnue « notes »" in msg


def test_messages_name_pack_files_relative_to_the_repository():
    assert seed.display_path(NORD / "cambresis.toml") == "data/territoires/nord/contrats/cambresis.toml"


def test_pack_files_are_small_and_hold_no_editor_entries():
    for f in NORD.glob("*.toml"):
        assert f.stat().st_size < 20_000
        assert not re.search(r"\bsaisie\b", f.read_text(encoding="utf-8"))
