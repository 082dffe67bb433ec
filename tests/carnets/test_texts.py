"""The carnet texts: citation rule, safe rendering, seed files (fast: no pack, no sources)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carnet.carnets import texts
from carnet.carnets.sections import SECTIONS
from carnet.config import load_config

ROOT = Path(__file__).resolve().parents[2]
FOUNDING = Path("/work/shared/seed/000_8725977de1e967f1.txt")


def test_every_statement_needs_a_citation():
    text = ("### Un titre\n\nPremier paragraphe,\nsur deux lignes. [source : INSEE]\n\n"
            "Paragraphe sans source.\n\n- cité [Source: culture-musees-de-france]\n- pas cité\n"
            "1. numéroté [source :   ]\n")
    probs = texts.problems(text, "fichier x.md", line_offset=10)
    assert probs == [
        "fichier x.md, ligne 16 : paragraphe sans citation [source : …] (« Paragraphe sans source. »).",
        "fichier x.md, ligne 19 : élément de liste sans citation [source : …] (« pas cité »).",
        "fichier x.md, ligne 20 : élément de liste citation vide [source : ] (« numéroté »).",
    ]
    with pytest.raises(texts.CarnetTextError, match="rien n'a été enregistré.*ligne 6"):
        texts.check(text)
    assert texts.check("  \nUn fait. [source : INSEE]  \n\n") == "Un fait. [source : INSEE]"


def test_section_headings_are_refused_inside_a_section():
    assert texts.problems("## Culture\n")[0].startswith("le texte, ligne 1 : titre de niveau 2")


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![pixel](https://e.fr/p.png)",
    "{{ 7*7 }}",
    "<script>alert(1)</script>",
    ":red[rouge] :material/home: $x^2$",
    "https://e.fr www.e.fr a@b.fr",
    "`code` | a | b |",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_links_images_html_and_templates_are_inert(payload):
    cite = payload.replace("[", "(").replace("]", ")")  # a citation holds no bracket
    out = texts.render(f"Avant {payload} après. [source : {cite} <b>x</b> {{{{ 7*7 }}}}]")
    assert len(out.markdown) == 1
    shown = out.markdown[0]
    # no Markdown or HTML character left unescaped, in the text or in the citation
    bare = re.sub(r"\\.", "", shown.replace("**", "").replace("*Source : ", "").rstrip("*"))
    assert not set(bare) & set("<>[]()!`|{}:$"), shown
    assert "49" not in shown
    # the reader sees the payload as typed (our escaper's inverse)
    unescaped = re.sub(r"\\(.)", r"\1", shown).replace(texts.md("")[:0] + "\u2060", "")
    assert payload in unescaped


def test_allowed_subset_is_rendered():
    out = texts.render("#### Sous-titre\n\nUn **fait** et *un autre* _encore_, 7*7. [source : a]\n\n"
                       "- un [source : b]\n- deux [source : c]\n\n1. premier [source : d]")
    assert out.markdown == (
        "##### Sous\\-titre",
        "Un **fait** et *un autre* *encore*\\, 7\\*7\\.  \n*Source : a*",
        "- un — *Source : b*\n- deux — *Source : c*",
        "1. premier — *Source : d*",
    )
    assert not out.empty and not out.flagged


def test_source_ids_become_their_citation_and_empty_says_so():
    out = texts.render("Un musée. [source : culture-musees-de-france]")
    assert "Ministère de la Culture\\, Liste et localisation des musées de France · liste de 2023" in \
        out.markdown[0]
    empty = texts.render("### Titre seul\n")
    assert empty.empty and texts.EMPTY == "Aucun texte sourcé pour cette section"


def test_uncited_statements_are_left_out_and_flagged():
    out = texts.render("Inventé.\n\nSourcé. [source : a]", "fichier t.md", 4)
    assert out.markdown == ("Sourcé\\.  \n*Source : a*",)
    assert out.flagged == ("fichier t.md, ligne 5 : paragraphe sans citation [source : …] "
                           "(« Inventé. »).",)


def test_seed_parsing_reports_file_and_line():
    seed = texts.parse_seed("# Titre\nTexte perdu\n## Culture\n\nUn fait. [source : a]\n"
                            "## Patrimoine\nx\n## culture\ny\n## Histoire et patrimoine\n", "t.md")
    assert seed.texts == {"culture": "Un fait. [source : a]", "histoire": ""}
    assert seed.problems == (
        "Fichier t.md, ligne 2 : texte avant la première section (## …), non lu.",
        "Fichier t.md, ligne 6 : section inconnue « Patrimoine » (sections : Histoire et "
        "patrimoine, Culture, Environnement et paysage) ; son texte n'est pas lu.",
        "Fichier t.md, ligne 8 : section « Culture » en double ; seule la première est lue.",
    )


def test_seed_file_not_utf8_names_the_line(tmp_path, monkeypatch):
    monkeypatch.setattr(texts, "PACKS_DIR", tmp_path)
    (tmp_path / "p" / "carnets").mkdir(parents=True)
    (tmp_path / "p" / "carnets" / "t.md").write_bytes("## Culture\n\nCaf\xe9".encode("latin-1"))
    seed = texts.read_seed("p", "t")
    assert seed.texts == {}
    assert seed.problems == ("Fichier p/carnets/t.md, ligne 3 : le fichier n'est pas en UTF-8 ; "
                             "non lu.",)
    assert texts.read_seed("p", "absent").texts == {}


def test_the_seven_seed_files_are_clean():
    tids = [t.id for t in load_config("nord").territoires]
    assert sorted(p.stem for p in texts.carnets_dir("nord").glob("*.md")) == sorted(tids)
    for tid in tids:
        seed = texts.read_seed("nord", tid)
        assert seed.problems == ()
        assert set(seed.texts) == set(SECTIONS)
        for sid, body in seed.texts.items():
            assert texts.problems(body, tid, seed.offsets[sid]) == []


def test_seed_quotes_are_verbatim_from_the_founding_document():
    if not FOUNDING.is_file():
        pytest.skip("document fondateur absent")
    doc = " ".join(FOUNDING.read_text(encoding="utf-8").split())
    quotes = []
    for tid in [t.id for t in load_config("nord").territoires]:
        for body in texts.read_seed("nord", tid).texts.values():
            for b in texts.parse_blocks(body):
                for c in b.citations:
                    quotes += re.findall(r"\(transcription de la présentation\) : « (.+) »$", c)
    assert len(quotes) == 4
    for q in quotes:
        assert q in doc, q
