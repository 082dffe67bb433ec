"""The app on another pack: CARNET_PACK=somme (territories = the four arrondissements)."""

from __future__ import annotations

import re

import pytest

from tests.app.conftest import no_exception, texts
from tests.app.inert import displayed

pytestmark = pytest.mark.integration

PAGES = ["pages/accueil.py", "pages/territoire.py", "pages/commune.py", "pages/comparer.py",
         "pages/sources.py"]


@pytest.mark.parametrize("page", PAGES)
def test_somme_pages_render_with_the_packs_word(somme_app, page):
    somme_app.run()
    no_exception(somme_app)
    somme_app.switch_page(page).run()
    no_exception(somme_app)
    out = texts(somme_app)
    assert "territoire de contrat" not in out.lower(), page  # the Nord's word never leaks
    assert somme_app.sidebar.selectbox(key="w_territoire").label == "Arrondissement"


def test_somme_territory_page(somme_app):
    somme_app.query_params["territoire"] = "amiens"
    somme_app.switch_page("pages/territoire.py").run()
    no_exception(somme_app)
    assert somme_app.title[0].value == "Arrondissement d'Amiens"
    out = texts(somme_app)
    assert "Arrondissement du Département de la Somme" in out
    assert "des 3 autres arrondissements" in out
    assert "Autres arrondissements\u00a0: " in out  # no break before the colon
    # the reference line names the département in full: « Somme : 566 252 hab. » read as a sum
    assert "Département de la Somme\u00a0: 5" in out and "\nSomme\u00a0:" not in out
    assert [h.value for h in somme_app.subheader][:2] == ["Chiffres clés", "En bref"]
    brief = next(m.value for m in somme_app.markdown if "compte" in m.value and "Source :" in m.value)
    assert brief.count("*Source :") == 3
    brief = displayed(brief)  # escaped by carnet.text.md: read as the reader sees it
    assert "L'arrondissement d'Amiens compte 304\u202f331 habitants en 2021" in brief
    assert "au 2e rang des 4 arrondissements" in brief and "Filosofi 2019" in brief


def test_somme_accueil_and_commune(somme_app):
    somme_app.run()
    assert "4 arrondissements" in texts(somme_app)
    somme_app.query_params["commune"] = "80021"  # Amiens
    somme_app.switch_page("pages/commune.py").run()
    no_exception(somme_app)
    out = texts(somme_app)
    assert "Arrondissement : **Arrondissement d'Amiens**" in out
    assert out.count("Arrondissement :") == 1  # not shown twice when territories are arrondissements
    # The fiche at the pack's latest vintages (no 2022 census in the Somme pack).
    table = next(m.value for m in somme_app.markdown if "carnet-profile" in m.value)
    assert "<th>Arrondissement</th>" in table and "Population 2021" in table
    assert '<span class="nw">133\u202f625</span>' in table  # Amiens, RP 2021
    assert "Taux de chômage des 15-64 ans 2021" in table and "INSEE · Filosofi 2019" in table
    assert table.count("<tr>") == 10  # header + 9 indicators


# --------------------------------------------------------------------------- no Nord word

# Words of the Nord pack (its name, its people, its territories and towns, its INSEE codes)
# that must not reach a page of another pack.
NORD_WORDS = re.compile(
    r"\bNord\b|nordiste|\bLille\b|lillois|Cambr[ée]sis|Cambrai|Flandre|Douaisis|Douai\b|"
    r"Valenciennois|Valenciennes|Avesnois|Sambre|Maubeuge|Cateau|Dunkerque|Roubaix|Tourcoing|"
    r"P[ée]v[èe]le|\bCAUE\b|\bcd ?59\b|(?<![\da-f.,\u202f\u00a0])59\d{3}(?![\da-f\u202f\u00a0])", re.I)
# (a 59xxx code, not digits inside a random hexadecimal element id such as « …71f59042a9… »)


def _proto_strings(msg, out: list[str]) -> None:
    """Every string field of a protobuf message, recursively (labels, options, bodies, map HTML)."""
    from google.protobuf.message import Message

    for _, val in msg.ListFields():
        for v in ([val] if isinstance(val, (str, bytes, int, float, Message)) else list(val)):
            if isinstance(v, Message):
                _proto_strings(v, out)
            elif isinstance(v, str):
                out.append(v)


def rendered_text(at) -> str:
    """All the text a run sends to the browser: markdown, captions, metrics, widget labels and
    options, placeholders, tables (cells and headers) and component arguments (the map HTML)."""
    from google.protobuf.message import Message

    out: list[str] = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            _proto_strings(proto, out)
        if type(node).__name__ in ("Dataframe", "Table"):
            out.append(node.value.to_csv())
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else ()):
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def nord_words(at, pack) -> list[str]:
    """Nord words in a run, each with its context; the pack's own place names are allowed
    (the Somme has a « CC du Territoire Nord Picardie »)."""
    text = rendered_text(at)
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)  # JSON in the map
    own = {str(n) for lvl in ("commune", "epci", "territoire") for n in pack.table(lvl)["nom"]
           if NORD_WORDS.search(str(n))}
    for name in sorted(own, key=len, reverse=True):
        text = text.replace(name, "·")
    return [text[max(0, m.start() - 60):m.end() + 40] for m in NORD_WORDS.finditer(text)]


@pytest.fixture
def somme(somme_cache, monkeypatch):
    from carnet.pack import load_pack

    monkeypatch.setenv("CARNET_CACHE", str(somme_cache))
    return load_pack("somme")


ATLAS_VIEWS = [
    ("pages/accueil.py", {}),
    *[("pages/territoire.py", {"territoire": t, "carte": "epci,gares,musees,pnr"})
      for t in ("abbeville", "amiens", "montdidier", "peronne")],
    ("pages/commune.py", {}),
    ("pages/commune.py", {"commune": "80021"}),  # Amiens: museums, stations
    ("pages/commune.py", {"commune": "80620"}),  # Péronne
    ("pages/comparer.py", {}),
    ("pages/comparer.py", {"niveau": "epci"}),
    ("pages/sources.py", {}),
]


def test_nord_words_are_found_on_the_nord_pack(app, nord):
    """The scan finds what it looks for: the Nord's own pages are full of Nord words."""
    app.switch_page("pages/commune.py").run()
    found = " ".join(nord_words(app, nord))
    assert "59392" in found and "cateau" in found  # the search box's placeholder (Maubeuge: its own)
    assert "Département du Nord" in found


@pytest.mark.parametrize(("page", "params"), ATLAS_VIEWS,
                         ids=[f"{p.split('/')[1][:-3]}-{'-'.join(q.values()) or 'defaut'}"
                              for p, q in ATLAS_VIEWS])
def test_somme_atlas_pages_show_no_nord_word(somme_app, somme, page, params):
    somme_app.query_params.update(params)
    somme_app.switch_page(page).run()
    no_exception(somme_app)
    assert somme_app.title, page
    assert nord_words(somme_app, somme) == [], page


def test_somme_plan_actions_shows_no_nord_word(somme_app, somme, tmp_path, monkeypatch):
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    somme_app.switch_page("pages/plan_actions.py").run()
    no_exception(somme_app)
    assert nord_words(somme_app, somme) == []
    # « Tous les arrondissements » was cut in the narrow sidebar: the short word under the label
    assert somme_app.sidebar.selectbox(key="w_territoire").options[0] == "Tous"


def test_somme_sources_page_names_only_the_packs_sources_and_controls(somme_app, somme):
    from carnet import fiches

    ids = set(fiches.sources_table(somme)["Identifiant"])
    assert "epci-contours-2025" not in ids  # the Nord's EPCI outlines: no control of the Somme
    assert "insee-appartenance-geo-2022" in ids  # national: controls the Somme's EPCI membership
    somme_app.switch_page("pages/sources.py").run()
    no_exception(somme_app)
    # the sidebar's credit line names the bodies of the Somme's own sources: no Éducation nationale
    # (the Nord's collèges), which it named on every pack before
    credit = [str(c.value) for c in somme_app.sidebar.caption if "Données ouvertes" in str(c.value)]
    assert credit == ["Données ouvertes : IGN, INSEE, ministère de la Culture, SNCF, INPN. "
                      "Détail dans « Sources et méthodes »."]
    out = texts(somme_app)
    assert "monuments historiques ont été convertis" not in out  # no monuments layer in the Somme
    assert "contours d'EPCI de l'IGN" not in out
    assert "La table d'appartenance de l'INSEE (2022) sert de contrôle" in out
