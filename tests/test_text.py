"""The core text helpers: one fold, one INSEE-code normaliser, one Markdown escaper."""

from __future__ import annotations

import math

import pytest

from carnet.text import INSEE_PATTERN, WORD_JOINER, fold, insee_code, md, md_cell


@pytest.mark.parametrize("a,b", [
    ("Villeneuve-d'Ascq", "villeneuve d ascq"),
    ("VILLENEUVE D’ASCQ", "villeneuve d ascq"),
    ("  Saint–Amand   les  Eaux ", "saint amand les eaux"),  # en dash, runs of spaces
    ("Cœur de ville", "coeur de ville"),
    ("Æthelred", "aethelred"),
    ("Établissement Public", "etablissement public"),
    ("Maître d'ouvrage", "maitre d ouvrage"),
    ("Hôpital (CHU)", "hopital (chu)"),
])
def test_fold_ignores_case_accents_ligatures_hyphens_and_apostrophes(a, b):
    assert fold(a) == b == fold(b)


def test_fold_of_blank_and_non_strings():
    assert fold(None) == "" and fold("   ") == "" and fold(59350) == "59350"


@pytest.mark.parametrize("raw,code", [
    (2001, "02001"), ("2001", "02001"), (" 2001 ", "02001"), ("59008.0", "59008"),
    (59008.0, "59008"), ("59350", "59350"), ("2a004", "2A004"), ("2B033", "2B033"),
    ("123456", "123456"),  # not a code: kept for the caller to reject, never cut
])
def test_insee_code_is_a_zero_padded_string(raw, code):
    assert insee_code(raw) == code


@pytest.mark.parametrize("blank", [None, "", "  ", math.nan, float("nan")])
def test_insee_code_of_a_blank_is_none(blank):
    assert insee_code(blank) is None


def test_insee_code_of_pandas_missing_is_none():
    import pandas as pd

    assert insee_code(pd.NA) is None and insee_code(pd.NaT) is None


def test_one_insee_normaliser_in_the_tree():
    import re

    from carnet.projets.validation import normalize_commune_code
    from carnet.readers import normalize_code

    assert normalize_code is insee_code and normalize_commune_code is insee_code
    assert re.fullmatch(INSEE_PATTERN, insee_code("2a004"))


def test_md_escapes_every_ascii_punctuation_and_breaks_autolinks():
    assert md("a *b* [c](d) <i>") == "a \\*b\\* \\[c\\]\\(d\\) \\<i\\>"
    assert md("www.e.fr") == f"www{WORD_JOINER}\\.e\\.fr"
    assert md(None) == ""
    assert md_cell("Licence\nOuverte | 2.0") == "Licence Ouverte \\| 2\\.0"


def test_one_markdown_escaper_behind_plain_md_and_the_summary():
    from carnet import summary
    from carnet.ui import plain

    assert plain.md is md and plain.WORD_JOINER is WORD_JOINER
    text = "a *b* [c](https://x.fr) <img src=x> $1$ :red[x]"
    out = summary.summary_markdown([summary.Paragraph("X", text, ("s_1",))])
    assert out == f"{md(text)}  \n*Source : {md('s_1')}.*"


def _constants(path):
    """Every literal of a module (ints and strings, docstrings included)."""
    import ast

    return [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Constant)]


def test_one_definition_each_in_the_tree():
    """One fold, one Markdown escaper, one INSEE normaliser, one metric CRS, one scheme table."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    where: dict[str, list[str]] = {}
    for path in sorted([*root.glob("carnet/**/*.py"), *root.glob("pages/*.py"), root / "app.py"]):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in (
                    "_fold", "fold", "_md_escape", "_md_cell", "md", "normalize_code",
                    "normalize_commune_code", "insee_code", "fmt_euros", "fmt_meuros", "fmt_range"):
                where.setdefault(node.name, []).append(rel)
            if isinstance(node, ast.Attribute) and node.attr == "zfill":
                where.setdefault("zfill", []).append(rel)
        for value in _constants(path):
            if value == 2154 or value == "EPSG:2154":
                where.setdefault("2154", []).append(rel)
            if value in ("Quantiles (effectifs égaux)", "Somme des communes"):
                where.setdefault(value, []).append(rel)
    assert where.get("fold") == ["carnet/text.py"] and "_fold" in where  # views' Series wrapper
    assert where["_fold"] == ["carnet/projets/views/filters.py"]
    assert where["md"] == ["carnet/text.py"] and "_md_escape" not in where and "_md_cell" not in where
    assert where["insee_code"] == where["zfill"] == ["carnet/text.py"]
    assert "normalize_code" not in where and "normalize_commune_code" not in where  # aliases
    assert where["fmt_range"] == ["carnet/formatting.py"]
    assert set(where["2154"]) <= {"carnet/geometry.py", "carnet/ui/projets/edition.py"}
    assert where["Quantiles (effectifs égaux)"] == ["carnet/maps/thematic.py"]
    assert where["Somme des communes"] == ["carnet/indicators.py"]
