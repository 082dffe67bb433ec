"""Spreadsheets as technicians write them: title rows, names and codes, labels, dates.

Every file here is built in code the way a technician's file looks (openpyxl), on the tiny
territory of conftest (``tech_ctx``: Cambrésis communes, Saint-Souplet which absorbed
Escaufourt, two "Villers-…", Lille which absorbed Lomme).
"""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook
from pyproj import Transformer

from carnet.projets.errors import ImportRejected
from carnet.projets.importer import build_report, commit, import_file, read_table, suggest_mapping

TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
HEADER = ["N°", "Intitulé de l'opération", "Commune", "Code INSEE", "Territoire", "Axe",
          "Avancement", "Porteur", "Coût total (€ HT)", "Part CD", "Date de début",
          "Date de fin"]


def xlsx(rows: list[list], header: list[str] = HEADER, titles: bool = True) -> bytes:
    """A workbook as technicians make them: a title, a date line, a blank row, the table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan d'actions"
    if titles:
        ws.append(["Contrat de territoire du Cambrésis — plan d'actions 2024"])
        ws.append(["Mise à jour : 12 mars 2024", None, None, "Service DTC"])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(titre="Réhabilitation du collège Fénelon", commune="CAMBRAI", code="59122",
        territoire="Cambrésis", axe="Cohésion sociale", etat="En travaux",
        porteur="Département du Nord", cout="1 250 000 €", part="450 000 €",
        debut=datetime(2021, 3, 15), fin="déc. 2023", ref=None) -> list:
    return [ref, titre, commune, code, territoire, axe, etat, porteur, cout, part, debut, fin]


def report_of(data: bytes, name: str, ctx, repo=None, **kw):
    table = read_table(data, name)
    return build_report(table, suggest_mapping(list(table.df.columns), table, ctx), ctx,
                        repo, **kw)


# -- column mapping -------------------------------------------------------------------
def test_csv_with_commune_name_and_insee_code_columns(tech_ctx):
    data = ("Intitulé;Commune;Code INSEE;Statut\n"
            "Maison de santé;CAMBRAI;59122;Engagé\n"
            "Béguinage;Caudry;59139;Engagé\n").encode("cp1252")
    table = read_table(data, "plan.csv")
    mapping = suggest_mapping(list(table.df.columns), table, tech_ctx)
    assert mapping["commune"] == "Code INSEE" and mapping["commune_nom"] == "Commune"
    report = build_report(table, mapping, tech_ctx)
    assert report.ok, report.rejected
    assert [r["commune"] for r in report.valid] == ["59122", "59139"]
    assert "codes INSEE du territoire" in report.mapping_reasons["commune"]


def test_code_and_name_that_disagree_are_rejected(tech_ctx):
    data = "Intitulé;Commune;Code INSEE\nMaison;Caudry;59122\n".encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert "le code INSEE « 59122 » (Cambrai) et la commune « Caudry » ne concordent pas" in (
        report.rejected[0]["motifs"])


def test_header_synonyms_are_data():
    cols = ["Nom de l'opération", "MOA", "Orientation stratégique", "État", "Montant",
            "Subvention départementale", "Libellé commune"]
    mapping = suggest_mapping(cols)
    assert mapping == {"titre": "Nom de l'opération", "maitre_ouvrage": "MOA",
                       "orientation": "Orientation stratégique", "statut": "État",
                       "cout_total": "Montant", "participation_cd": "Subvention départementale",
                       "commune_nom": "Libellé commune"}
    mapping = suggest_mapping(["Libellé", "Porteur", "Axe", "Statut", "Budget", "Part CD"])
    assert mapping["titre"] == "Libellé" and mapping["participation_cd"] == "Part CD"
    assert mapping["cout_total"] == "Budget" and mapping["maitre_ouvrage"] == "Porteur"
    # containment: the longest synonym inside a long header wins
    assert suggest_mapping(["Montant de la participation départementale (€)"]) == {
        "participation_cd": "Montant de la participation départementale (€)"}


# -- header row -----------------------------------------------------------------------
def test_xlsx_title_rows_above_the_header(tech_ctx):
    data = xlsx([row(), row(titre="Maison de santé", commune="St-Souplet", code=None)])
    table = read_table(data, "plan.xlsx")
    assert list(table.df.columns) == HEADER
    assert "En-tête trouvé ligne 4 : les 3 ligne(s) au-dessus (titre, lignes vides) sont " \
           "ignorées." in table.notes
    report = report_of(data, "plan.xlsx", tech_ctx)
    assert report.ok, report.rejected
    a, b = report.valid
    assert (a["commune"], a["territoire"], a["orientation"], a["statut"]) == (
        "59122", "cambresis", "cohesion", "en_cours")
    assert (a["cout_total"], a["participation_cd"], a["annee_debut"], a["annee_fin"]) == (
        1250000.0, 450000.0, 2021, 2023)
    assert b["commune"] == "59545"
    # a rejected row is named by its line in the sheet (title rows counted)
    bad = report_of(xlsx([row(), row(titre=None)]), "plan.xlsx", tech_ctx)
    assert [r["ligne"] for r in bad.rejected] == [6]


def test_csv_title_line_above_the_header(tech_ctx):
    data = ("Plan d'actions du Cambrésis;;\n;;\nIntitulé;Code INSEE;Statut\n"
            "Maison;59122;Engagé\n;;\n").encode("cp1252")
    report = report_of(data, "plan.csv", tech_ctx)
    assert report.ok and report.valid[0]["commune"] == "59122"


# -- communes by name ------------------------------------------------------------------
@pytest.mark.parametrize(("name", "code"), [
    ("CAMBRAI", "59122"), ("cambrai", "59122"), ("St-Souplet", "59545"),
    ("Saint Souplet", "59545"), ("LE CATEAU CAMBRESIS", "59136"),
    ("Cateau-Cambrésis (Le)", "59136"), ("Le Cateau-Cambresis", "59136"),
    ("Villers-Outreaux", "59624"), ("Cambrai (59122)", "59122"),
])
def test_commune_names_resolved_within_the_pack(tech_ctx, name, code):
    data = f"Intitulé;Commune\nMaison;{name}\n".encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert report.ok, report.rejected
    assert report.valid[0]["commune"] == code


def test_former_commune_goes_to_its_new_commune_with_a_note(tech_ctx):
    data = "Intitulé;Commune\nVoie verte;Escaufourt\nPiscine;Lomme\n".encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert report.ok and [r["commune"] for r in report.valid] == ["59545", "59350"]
    note = next(n for n in report.notes if n.startswith("Valeurs reconnues (commune)"))
    assert "« Escaufourt » → « Saint-Souplet (59545) » (ancienne commune rattachée" in note
    # and by its former code
    report = report_of(b"Intitule;Code INSEE\nPiscine;59355\n", "p.csv", tech_ctx)
    assert report.valid[0]["commune"] == "59350"


def test_ambiguous_commune_name_asks(tech_ctx):
    data = "Intitulé;Commune\nSalle de sports;Villers\n".encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert not report.ok
    (prop,) = report.proposals
    assert (prop.field, prop.value, prop.kind, prop.lines) == ("commune", "Villers", "ambigu",
                                                              [2])
    assert [c for c, _ in prop.candidates] == ["59622", "59624"]
    assert "ambigu(ë)" in report.rejected[0]["motifs"]
    # --accepter-suggestions does not pick for the user
    assert not report_of(data, "p.csv", tech_ctx, accept_suggestions=True).ok
    chosen = report_of(data, "p.csv", tech_ctx, accepted={"commune": {"Villers": "59624"}})
    assert chosen.ok and chosen.valid[0]["commune"] == "59624"


# -- vocabularies ----------------------------------------------------------------------
@pytest.mark.parametrize(("field", "value", "code"), [
    ("Axe", "Cohésion sociale", "cohesion"), ("Axe", "Orientation 2", "environnement"),
    ("Axe", "3", "developpement"), ("Axe", "1 - Assurer la cohésion sociale", "cohesion"),
    ("Axe", "Environnement", "environnement"), ("Axe", "Dév", "developpement"),
    ("Avancement", "Terminé", "realise"), ("Avancement", "En travaux", "en_cours"),
    ("Avancement", "EN COURS", "en_cours"), ("Avancement", "etude", "etude"),
    ("Avancement", "Travaux en cours", "en_cours"),
    ("Axe", "Environnement préservé et de qualité", "environnement"),
    ("Territoire", "Cambrésis", "cambresis"), ("Territoire", "CAMBRESIS", "cambresis"),
    ("Catégorie", "Grand projet", "grand_projet"),
])
def test_vocabulary_by_label_short_label_number_prefix_keyword(tech_ctx, field, value, code):
    data = f"Intitulé;Code INSEE;{field}\nMaison;59122;{value}\n".encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert report.ok, report.rejected
    target = {"Axe": "orientation", "Avancement": "statut", "Territoire": "territoire",
              "Catégorie": "categorie"}[field]
    assert report.valid[0][target] == code


@pytest.mark.parametrize(("field", "value", "kind", "codes"), [
    ("Axe", "Environnement et cohésion sociale", "ambigu", ["cohesion", "environnement"]),
    ("Territoire", "Flandre", "ambigu", ["flandre-maritime", "flandre-interieure"]),
    ("Territoire", "Cambrézis", "approchant", ["cambresis"]),
    ("Avancement", "terminé peut-être", "approchant", ["realise"]),
])
def test_unsure_vocabulary_values_are_proposals(tech_ctx, field, value, kind, codes):
    data = f"Intitulé;Code INSEE;{field}\nMaison;59122;{value}\n".encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert not report.ok
    (prop,) = report.proposals
    assert prop.kind == kind and sorted(c for c, _ in prop.candidates) == sorted(codes)


def test_fuzzy_value_proposed_and_applied_only_when_accepted(tech_ctx):
    data = "Intitulé;Commune;Statut\nMaison;Cambray;Réalsé\nBéguinage;Cambrai;Réalsé\n".encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert len(report.rejected) == 2 and not report.valid
    props = {p.key: p for p in report.proposals}
    assert props[("commune", "Cambray")].candidates[0] == ("59122", "Cambrai (59122)")
    assert props[("statut", "Réalsé")].lines == [2, 3]
    assert props[("statut", "Réalsé")].candidates[0][0] == "realise"
    assert "proposition « Réalisé » à accepter" in report.rejected[1]["motifs"]
    accepted = report_of(data, "p.csv", tech_ctx, accept_suggestions=True)
    assert accepted.ok and [r["statut"] for r in accepted.valid] == ["realise", "realise"]
    assert accepted.valid[0]["commune"] == "59122"
    one = report_of(data, "p.csv", tech_ctx, accepted={"statut": {"Réalsé": "realise"}})
    assert [r["ligne"] for r in one.rejected] == [2]  # Cambray still waits


# -- amounts, dates, coordinates --------------------------------------------------------
@pytest.mark.parametrize(("cout", "debut", "expected"), [
    ("1 250 000 €", "15/03/2021", (1250000.0, 2021)),
    ("1,2 M€", "mars 2021", (1200000.0, 2021)),
    ("250 k€", "2021-03-15", (250000.0, 2021)),
    ("300 000 € HT", "T2 2022", (300000.0, 2022)),
    ("1\u202f250\u202f000,50", "2019", (1250000.5, 2019)),
    ("1,5 million d'euros", "1er semestre 2020", (1500000.0, 2020)),
])
def test_amounts_and_french_dates(tech_ctx, cout, debut, expected):
    data = f"Intitulé;Code INSEE;Coût total;Date de début\nMaison;59122;{cout};{debut}\n"
    report = report_of(data.encode(), "p.csv", tech_ctx)
    assert report.ok, report.rejected
    assert (report.valid[0]["cout_total"], report.valid[0]["annee_debut"]) == expected


def test_swapped_coordinates_flagged_and_fixed_on_acceptance(tech_ctx):
    x, y = TO_L93.transform(3.235, 50.175)
    data = ("Intitulé;Longitude;Latitude\nA;50,175;3,235\nB;3,41;50,125\n").encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert [r["ligne"] for r in report.rejected] == [2]
    assert "coordonnées inversées ?" in report.rejected[0]["motifs"]
    (prop,) = report.proposals
    assert prop.kind == "inversion" and prop.lines == [2]
    assert "coordonnées inversées ?" in prop.describe()
    fixed = report_of(data, "p.csv", tech_ctx, accepted={"coordonnees": {"inversion": "oui"}})
    assert fixed.ok and (fixed.valid[0]["lon"], fixed.valid[0]["lat"]) == (3.235, 50.175)
    # Lambert-93 with X and Y swapped
    data = f"Intitulé;X;Y\nA;{y:.1f};{x:.1f}\n".replace(".", ",").encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert "coordonnées inversées ?" in report.rejected[0]["motifs"]
    fixed = report_of(data, "p.csv", tech_ctx, accept_suggestions=True)
    assert fixed.valid[0]["lon"] == pytest.approx(3.235, abs=1e-5)
    assert "Longitude et latitude échangées sur 1 ligne(s) (proposition acceptée)." in fixed.notes


def test_coordinate_systems_detected_per_row(tech_ctx):
    x, y = TO_L93.transform(3.41, 50.125)
    data = f"Intitulé;X;Y\nA;3,235;50,175\nB;{x:.1f};{y:.1f}\n".replace(".", ",").encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert report.ok, report.rejected
    assert [(r["lon"], r["lat"]) for r in report.valid][0] == (3.235, 50.175)
    assert report.valid[1]["lat"] == pytest.approx(50.125, abs=1e-5)
    assert "Coordonnées Lambert-93 (EPSG:2154) détectées sur 1 ligne(s) et converties en " \
           "WGS84." in report.notes
    assert "Coordonnées X/Y en WGS84 (longitude, latitude) détectées sur 1 ligne(s)." in (
        report.notes)


# -- partial import, duplicates -----------------------------------------------------------
def test_partial_import_is_an_explicit_choice(tech_repo, tech_ctx):
    data = xlsx([row(), row(titre="Maison de santé", code="59139", commune="Caudry"),
                 row(titre="Salle", code="12345", commune=None)])
    report = report_of(data, "plan.xlsx", tech_ctx, tech_repo)
    assert len(report.valid) == 2 and len(report.rejected) == 1
    assert "ou importez seulement les 2 ligne(s) valide(s)" in report.summary()
    with pytest.raises(ImportRejected):
        commit(report, tech_repo, "tech")
    assert tech_repo.count() == 0
    created = commit(report, tech_repo, "tech", partial=True)
    assert len(created) == 2 and tech_repo.count() == 2
    batches = {tech_repo.history(c["id"])[0]["batch"] for c in created}
    assert len(batches) == 1  # one transaction, one batch


def test_reimport_without_refs_warns_on_likely_duplicates(tech_repo, tech_ctx):
    data = "Intitulé;Code INSEE;Année\nMaison de santé;59139;2021\nBéguinage;59122;2020\n"
    data = data.encode()
    _, created = import_file(data, "p.csv", tech_ctx, tech_repo, "tech")
    assert len(created) == 2
    again = data + "Médiathèque;59122;2022\nMÉDIATHÈQUE ;59122;2022\n".encode()
    with pytest.raises(ImportRejected, match="probablement en double") as err:
        import_file(again, "p.csv", tech_ctx, tech_repo, "tech")
    dups = err.value.report.duplicates
    assert [d["ligne"] for d in dups] == [2, 3, 5]
    assert dups[0]["motif"].startswith("même titre, commune et année que le projet n°")
    assert dups[2]["motif"] == "même titre, commune et année que la ligne 4"
    assert tech_repo.count() == 2
    _, created = import_file(again, "p.csv", tech_ctx, tech_repo, "tech", doublons="ignorer")
    assert [c["titre"] for c in created] == ["Médiathèque"] and tech_repo.count() == 3
    _, created = import_file(data, "p.csv", tech_ctx, tech_repo, "tech", doublons="importer")
    assert len(created) == 2 and tech_repo.count() == 5


@pytest.mark.parametrize(("a", "b"), [
    ("Marcq-en-Barœul", "MARCQ EN BAROEUL"), ("Saint-Pol-sur-Mer", "St Pol sur Mer"),
    ("Sainte-Marie-Cappel", "Ste-Marie-Cappel"), ("La Madeleine", "Madeleine (La)"),
    ("Villeneuve-d'Ascq", "Villeneuve d’Ascq"), ("Les Moëres", "LES MOERES"),
])
def test_commune_name_normalisation(a, b):
    from carnet.projets.matching import commune_key

    assert commune_key(a) == commune_key(b)


def test_amount_unit_in_the_header(tech_ctx):
    data = ("Intitulé;Code INSEE;Coût total (k€);Part CD (M€)\n"
            "Maison;59122;1 250;0,45\nHalle;59122;2,5 M€;\n").encode()
    report = report_of(data, "p.csv", tech_ctx)
    assert report.ok, report.rejected
    assert [(r["cout_total"], r["participation_cd"]) for r in report.valid] == [
        (1250000.0, 450000.0), (2500000.0, None)]
    assert any("Montants de « Coût total (k€) » en milliers d'euros" in n for n in report.notes)
    # XLSX numbers too
    report = report_of(xlsx([[None, "Maison", None, "59122", None, None, None, None, 1250, 450,
                              None, None]],
                            header=[*HEADER[:8], "Coût total (k€)", "Part CD (k€)", *HEADER[10:]]),
                       "p.xlsx", tech_ctx)
    assert (report.valid[0]["cout_total"], report.valid[0]["participation_cd"]) == (
        1250000.0, 450000.0)


def test_dated_header_is_not_guessed_by_containment():
    assert suggest_mapping(["Intitulé", "Budget 2027 (k€)", "Coût total de l'opération"]) == {
        "titre": "Intitulé", "cout_total": "Coût total de l'opération"}
