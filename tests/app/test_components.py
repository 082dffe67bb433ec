"""Key-figure cards and the commune profile table: numbers and units never break inside."""

from __future__ import annotations

import pandas as pd
import pytest

from carnet.ui.components import cell_html, nowrap_html, profile_html, split_unit, value_html

NBSP = "\u202f"


def test_split_unit():
    assert split_unit(f"2{NBSP}616{NBSP}909{NBSP}hab.") == (f"2{NBSP}616{NBSP}909", "hab.")
    assert split_unit(f"455,7{NBSP}hab./km²") == ("455,7", "hab./km²")  # '²' is not a digit here
    assert split_unit(f"18,1{NBSP}%") == (f"18,1{NBSP}%", "")  # a percent stays whole
    assert split_unit("non publié") == ("non publié", "")
    assert split_unit(f"1{NBSP}234") == (f"1{NBSP}234", "")


def test_value_html_nowrap_spans():
    html = value_html(f"1{NBSP}032{NBSP}896{NBSP}emplois")
    assert html == (f'<div class="kf-value"><span class="kf-num">1{NBSP}032{NBSP}896</span> '
                    '<span class="kf-unit">emplois</span></div>')


def test_nowrap_html_range_and_escaping():
    out = nowrap_html(f"125{NBSP}780 – 1{NBSP}292{NBSP}958{NBSP}hab.", bold=True)
    assert out.startswith("<b>") and out.count('class="kf-nowrap"') == 3
    assert "<script>" not in value_html("<script>x</script>")


def test_cell_html_units_and_missing():
    assert cell_html(f"48{NBSP}132{NBSP}hab.") == (f'<span class="nw">48{NBSP}132</span> '
                                                   '<span class="nw">hab.</span>')
    assert cell_html(f"1{NBSP}143{NBSP}établissements") == (
        f'<span class="nw">1{NBSP}143</span> <abbr class="nw" title="établissements">étab.</abbr>')
    assert cell_html("non agrégeable") == '<span class="na">non agrégeable</span>'  # may wrap


def test_profile_html_groups_by_theme_and_escapes():
    df = pd.DataFrame([
        {"Thème": "Population", "Indicateur": "Population 2022", "Commune": f"609{NBSP}hab.",
         "Territoire": "<b>x</b>", "Source": "INSEE · RP 2022"},
        {"Thème": "Population", "Indicateur": "Densité", "Commune": "non publié",
         "Territoire": "1,0 %", "Source": "INSEE · RP 2022"},
        {"Thème": "Revenus", "Indicateur": "Revenu & <i>", "Commune": "1", "Territoire": "2",
         "Source": ""},
    ])
    out = profile_html(df, headers={"Territoire": "Arrondissement"})
    assert "\n" not in out and "<th>Arrondissement</th>" in out and "<th>Territoire</th>" not in out
    assert out.count('class="theme"') == 2 and out.count('colspan="3"') == 2
    assert "&lt;b&gt;x&lt;/b&gt;" in out and "Revenu &amp; &lt;i&gt;" in out and "<b>x" not in out
    assert out.count('class="src"') == 2  # no empty source line
    assert "Source</th>" not in out  # the source sits under the indicator name


@pytest.mark.integration
def test_profile_html_real_commune(nord):
    from carnet import fiches

    out = profile_html(fiches.commune_profile(nord, "59070"))
    for head in ("Commune", "Commune nouvelle", "EPCI", "Territoire", "Département"):
        assert f"<th>{head}</th>" in out
    assert f'<span class="nw">2{NBSP}616{NBSP}909</span>' in out  # Nord population 2022
    assert out.count('class="theme"') == 6  # Population … Équipements et accès, each once


def test_compare_html_name_heads_rows_values_right_aligned_and_escaped():
    from carnet.ui.components import compare_html

    table = pd.DataFrame({"SIREN": ["200068500"], "Nom": ["<img src=x onerror=alert(1)>"],
                          "Population 2022": [f"80{NBSP}469{NBSP}hab."]})
    out = compare_html(table, values=1)
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    head = out.split("<tbody>")[0]
    assert head.index(">Nom<") < head.index(">SIREN<") < head.index(">Population 2022<")
    assert '<th scope="row" class="ind">&lt;img' in out  # the name heads the row
    assert f'<td>200068500</td><td class="num"><span class="nw">80{NBSP}469</span>' in out
