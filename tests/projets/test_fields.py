"""The fields table (carnet/data/champs_projets.toml) against the model and its users."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, Float, Integer, Numeric, String, Text

from carnet.errors import UnknownKeyError
from carnet.projets import fields
from carnet.projets.models import Projet

#: SQL type of each kind of field.
SQL_TYPES = {"texte": String, "code": String, "insee": String, "pack": String,
             "texte_long": Text, "coordonnee": Float, "montant": Numeric, "annee": Integer,
             "booleen": Boolean}


def _columns():
    return {c.name: c for c in Projet.__table__.columns}


def test_every_model_column_is_a_field_or_explicitly_internal():
    columns = set(_columns())
    stored = {n for n, c in fields.champs().items() if c.colonne}
    internal = set(fields.INTERNAL_FIELDS)
    assert not stored & internal
    assert columns == stored | internal, (columns - stored - internal, stored | internal - columns)


def test_column_types_and_lengths_match_the_table():
    columns = _columns()
    for name, spec in fields.champs().items():
        if not spec.colonne:
            continue
        col = columns[name]
        assert isinstance(col.type, SQL_TYPES[spec.kind]), (name, col.type, spec.kind)
        if isinstance(col.type, String) and not isinstance(col.type, Text):
            assert col.type.length == spec.longueur, (name, col.type.length, spec.longueur)
        elif isinstance(col.type, Text):  # unbounded column: the app's cap
            assert spec.longueur == 5000, name
        else:
            assert spec.longueur is None, name


def test_the_table_holds_the_lists_of_its_users():
    from carnet.projets.exporter import EXPORT_COLUMNS, TEMPLATE_COLUMNS
    from carnet.projets.validation import TEXT_LIMITS

    assert EXPORT_COLUMNS == [
        "id", "ref", "titre", "description", "pack", "territoire", "commune", "lon", "lat",
        "orientation", "enjeu", "categorie", "nature", "mode", "statut", "maitre_ouvrage",
        "partenaires", "cout_total", "participation_cd", "annee_debut", "annee_fin", "source",
        "illustratif", "uuid", "version", "created_at", "updated_at", "updated_by"]
    kept_by_the_registry = ("id", "pack", "illustratif", "uuid", "version", "created_at",
                            "updated_at", "updated_by")
    template = [c for c in EXPORT_COLUMNS if c not in kept_by_the_registry]
    assert template == TEMPLATE_COLUMNS
    editable = tuple(c for c in EXPORT_COLUMNS[1:-4] if c != "uuid")  # set, never edited
    assert editable == fields.EDITABLE_FIELDS
    assert {k: TEXT_LIMITS[k] for k in ("ref", "titre", "description", "enjeu", "source")} == {
        "ref": 64, "titre": 300, "description": 5000, "enjeu": 300, "source": 500}


def test_import_fields_and_labels():
    from carnet.projets.mapping import field_labels, synonyms

    labels = field_labels()
    assert "pack" not in labels  # set by the registry, never read from a file
    assert list(labels)[:6] == ["ref", "titre", "description", "territoire", "commune",
                                "commune_nom"]
    assert labels["cout_total"] == "Coût total (€)"
    assert synonyms()["commune"][0] == "code insee"  # a "Commune" header holds names
    assert synonyms()["titre"][:2] == ["titre", "intitule"]


def test_form_and_fiche_labels():
    assert fields.champ("titre").form_label == "Titre *"
    assert fields.champ("enjeu").form_label == "Enjeu du territoire"
    assert fields.champ("cout_total").fiche_label == "Coût total"
    assert fields.champ("cout_total").form_label == "Coût total (€)"


def test_an_unknown_field_lists_the_valid_ones():
    with pytest.raises(UnknownKeyError) as err:
        fields.champ("budget")
    assert "champ de projet inconnu : 'budget'" in str(err.value)
    assert "cout_total" in str(err.value) and "titre" in str(err.value)


def test_a_bad_key_or_kind_in_the_table_is_refused():
    from carnet.errors import ConfigError

    with pytest.raises(ConfigError, match="clé\\(s\\) inconnue\\(s\\) longeur"):
        fields._champ("x", {"libelle": "X", "type": "texte", "longeur": 3})
    with pytest.raises(ConfigError, match="type « chaine » inconnu"):
        fields._champ("x", {"libelle": "X", "type": "chaine"})
