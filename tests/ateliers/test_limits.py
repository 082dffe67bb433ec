"""Pure rules of the ateliers: links, lengths, session verdicts, the category registry."""

from __future__ import annotations

import pytest

from carnet.ateliers import limits
from carnet.ateliers.categories import categorie, categories, read_registry
from carnet.errors import ConfigError, UnknownKeyError


@pytest.mark.parametrize("text", [
    "https://exemple.org", "http://x", "voir www.exemple.com", "sur exemple.fr/page",
    "mairie.gouv.fr", "[ici](http://x)", "[ici]( x )", "écrire à jean@exemple.fr",
    "javascript:alert(1)", "data:text/html,x", "mailto:a", "WWW.SPAM.RU"])
def test_links_are_found(text):
    assert limits.has_link(text)


@pytest.mark.parametrize("text", [
    "Rendez-vous à 18 h : salle des fêtes.", "M. Dupont l'a dit.", "3,5 km à pied",
    "Hôtel : fermé le lundi", "les data : utiles", "Le site de l'ancienne usine",
    "Une idée... et une autre.", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "**gras**"])
def test_ordinary_french_is_not_a_link(text):
    assert not limits.has_link(text)


def test_clean_text_keeps_the_text_raw_but_drops_control_characters():
    assert limits.clean_text("  a\u200b<b>\x07 ", label="T", maximum=10, required=True) == "a<b>"
    with pytest.raises(limits.ContributionRefusee, match="T : 11 caractères, au plus 10"):
        limits.clean_text("x" * 11, label="T", maximum=10, required=True)
    assert limits.clean_text(None, label="T", maximum=10, required=False) == ""


def test_session_verdicts():
    assert limits.verdict_session(0) == (True, None)
    assert limits.verdict_session(3) == (True, None)
    ok, warning = limits.verdict_session(4)
    assert ok and warning.startswith("Vous avez envoyé 5 contributions en moins d'une heure")
    assert limits.verdict_session(9)[0] is True
    assert limits.verdict_session(10) == (False, None)
    with pytest.raises(ValueError):
        limits.session_hash("court")
    assert limits.empreinte("Un  Banc") == limits.empreinte("un banc ")
    assert limits.squelette("Un banc, devant !") == limits.squelette("un banc devant")


def test_category_registry(tmp_path):
    assert list(categories()) == ["idee", "atout", "probleme", "question"]
    assert categorie("probleme").libelle == "Problème"
    with pytest.raises(UnknownKeyError, match="Valeurs possibles : atout, idee, probleme"):
        categorie("spam")
    bad = tmp_path / "c.toml"
    bad.write_text('[idee]\nlibelle = "Idée"\ncouleur = "bleu"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c.toml, \[idee\] : couleur attendue au format"):
        read_registry(bad)
    bad.write_text('[idee]\nlibelle = "Idée"\ncouleur = "#112233"\nicone = "x"\n',
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="clé inconnue « icone »"):
        read_registry(bad)
