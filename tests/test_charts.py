"""Chart builders: valid specs, French locale, missing values dropped; the ranking as HTML bars."""

from __future__ import annotations

import html
import json
import math
import re

import pandas as pd
import pytest

from carnet import charts


def _ranking_frame(n=30):
    return pd.DataFrame({
        "code": [f"59{i:03d}" for i in range(n)], "nom": [f"Commune {i}" for i in range(n)],
        "valeur": [float(n - i) if i % 7 else math.nan for i in range(n)],
        "texte": [f"{n - i} %" for i in range(n)],
    })


def _items(out: str) -> list[tuple[str, float, float, str]]:
    """(name, left %, width %, value text) of each bar of :func:`charts.ranking_html`."""
    return [(html.unescape(n), float(left), float(w), html.unescape(v)) for n, left, w, v in re.findall(
        r'<span class="nom">(.*?)</span>.*?left:([\d.]+)%;width:([\d.]+)%.*?'
        r'<span class="valeur">(.*?)(?:<span|</span>)', out)]


def test_ranking_html_top_missing_and_highlight():
    out = charts.ranking_html(_ranking_frame(), "Taux", highlight="59001", top=10)
    items = _items(out)
    # the first 10 communes with a value, in order (0, 7, 14… have none)
    assert [n for n, *_ in items] == [f"Commune {i}" for i in range(1, 12) if i % 7]
    assert [v for *_, v in items][:2] == ["29 %", "28 %"]
    assert items[0][1:3] == (0.0, 100.0)  # the highest value: the whole track
    assert items[-1][2] == pytest.approx(100 * 19 / 29, abs=0.01)  # 19 % against 29 %
    assert out.count('class="carnet-rang-choisie"') == 1 and "(commune choisie)" in out
    assert 'aria-label="Taux : classement des communes"' in out


def test_ranking_html_negative_values_start_at_zero():
    d = pd.DataFrame({"code": ["a", "b", "c"], "nom": ["A", "B", "C"], "valeur": [3.0, -1.0, 0.0],
                      "texte": ["+3,0 %", "−1,0 %", "0,0 %"]})
    (a, left_a, w_a, _), (_, left_c, w_c, _), (b, left_b, w_b, _) = _items(
        charts.ranking_html(d.sort_values("valeur", ascending=False), "Évolution"))
    assert (a, b) == ("A", "B")
    assert (left_a, w_a) == (25.0, 75.0)  # zero at a quarter of the track: span −1 … 3
    assert (left_b, w_b) == (0.0, 25.0)  # to the left of zero
    assert (left_c, w_c) == (25.0, 0.0)


def test_ranking_html_escapes_every_data_string():
    d = pd.DataFrame({"code": ["a"], "nom": ['<img src=x onerror="alert(1)">'], "valeur": [1.0],
                      "texte": ["<b>1</b>"]})
    out = charts.ranking_html(d, 'Taux "<i>"')
    assert "<img" not in out and "<b>1" not in out and "<i>" not in out
    assert _items(out)[0][0] == '<img src=x onerror="alert(1)">'


def test_ranking_html_without_any_value():
    d = _ranking_frame().assign(valeur=math.nan)
    empty = '<ol class="carnet-rang" aria-label="Taux : classement des communes"></ol>'
    assert charts.ranking_html(d, "Taux") == empty


def test_territories_and_compare_charts():
    df = pd.DataFrame({"code": ["a", "b", "59"], "nom": ["A", "B", "Nord (département)"],
                       "valeur": [1.0, 2.0, 1.5], "texte": ["1", "2", "1,5"],
                       "groupe": ["Territoire choisi", "Autres territoires", "Département"]})
    spec = charts.territories_chart(df, "X", "%").to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["range"][0] == charts.HIGHLIGHT
    df2 = df.assign(groupe=["Sélection", "Sélection", "Département"])
    spec2 = charts.compare_chart(df2, "X", "%").to_dict()
    assert spec2["layer"][0]["encoding"]["x"]["title"] == "X (%)"


def test_population_chart_indexed():
    df = pd.DataFrame({"code": ["t"] * 3, "nom": ["T"] * 3, "annee": [2011, 2016, 2022],
                       "population": [100.0, 110.0, 121.0], "texte": ["100", "110", "121"],
                       "millesime": ["RP 2011", "RP 2016", "RP 2022"]})
    spec = charts.population_chart(df, indexed=True).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [round(r["indice"]) for r in data] == [100, 110, 121]
    assert "base 100 en 2011" in spec["encoding"]["y"]["title"]


@pytest.mark.integration
def test_charts_from_real_pack(nord):
    from carnet import fiches

    rank = fiches.ranking(nord, "cambresis", "taux_chomage_2022")
    items = _items(charts.ranking_html(rank, "Chômage"))
    top = rank.dropna(subset=["valeur"]).head(25)
    assert [n for n, *_ in items] == list(top["nom"]) and [v for *_, v in items] == list(top["texte"])
    assert list(top["valeur"]) == sorted(top["valeur"], reverse=True)
    comp = fiches.territory_comparison(nord, "pop_2022", "cambresis")
    assert "Département" not in set(comp["groupe"])  # a count: no département bar
    comp = fiches.territory_comparison(nord, "taux_chomage_2022", "cambresis")
    assert set(comp["groupe"]) == {"Territoire choisi", "Autres territoires", "Département"}
    charts.territories_chart(comp, "Chômage", "%").to_dict()
    series = fiches.population_with_reference(nord, "cambresis")
    assert len(series) == 2 * len(fiches.population_ids(nord)) == 2 * 7
    charts.population_chart(series, indexed=True).to_dict()


def _chart_page(how, chart):
    import streamlit as st

    (st.altair_chart if how == "altair" else st.vega_lite_chart)(chart, width="stretch")


def _sent(how, chart) -> tuple[dict, list[pd.DataFrame]]:
    """What Streamlit sends for ``chart`` drawn with ``st.altair_chart`` (``how="altair"``) or
    ``st.vega_lite_chart``: the spec, its dataset names replaced by their rank, and the datasets
    as frames (Arrow, as the browser reads them)."""
    import pyarrow as pa
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_chart_page, args=(how, chart)).run()
    assert not at.exception
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    names = [d.name for d in chart.proto.datasets]
    frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]
    text = json.dumps(spec, sort_keys=True)
    for i, name in enumerate(names):
        text = text.replace(name, f"dataset-{i}")
    return json.loads(text), frames


@pytest.mark.parametrize("build", [
    lambda: charts.territories_chart(pd.DataFrame({
        "code": ["a", "b", "59"], "nom": ["A", "B", "Nord (département)"], "valeur": [1.0, 2.0, 1.5],
        "texte": ["1", "2", "1,5"], "groupe": ["Territoire choisi", "Autres territoires", "Département"]}),
        "X", "%"),
    lambda: charts.population_chart(pd.DataFrame({
        "code": ["t"] * 3, "nom": ["T"] * 3, "annee": [2011, 2016, 2022], "population": [100.0, 110.0, 121.0],
        "texte": ["100", "110", "121"], "millesime": ["RP 2011", "RP 2016", "RP 2022"]}), indexed=True),
], ids=["territoires", "population"])
def test_cached_spec_sends_the_chart_altair_chart_sends(build):
    """``to_spec`` + ``st.vega_lite_chart`` (the cached path of Territoire) sends the spec and
    the data ``st.altair_chart`` sends for the same chart: no Altair theme merged in."""
    chart = build()
    spec = charts.to_spec(chart)
    assert "continuousWidth" not in json.dumps(spec)  # Altair's default theme stayed out
    by_altair, data_altair = _sent("altair", chart)
    by_spec, data_spec = _sent("spec", spec)
    assert by_spec == by_altair
    assert len(data_spec) == len(data_altair) == 1
    # same rows and values; the pandas index (which Vega-Lite never reads) is the frame's own
    # with Altair, the rows' rank with a spec
    pd.testing.assert_frame_equal(data_spec[0], data_altair[0].reset_index(drop=True), check_dtype=False)



def test_ranking_stylesheet_uses_the_charts_colours():
    """The HTML ranking's bars are coloured by static/carnet.css: the charts' own colours."""
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "static" / "carnet.css").read_text(encoding="utf-8")
    rules = re.findall(r"(\.carnet-rang (?:li\.carnet-rang-choisie )?\.barre) \{[^}]*?background: (#\w+)",
                       css)
    assert dict(rules) == {".carnet-rang .barre": charts.HIGHLIGHT,
                           ".carnet-rang li.carnet-rang-choisie .barre": charts.REFERENCE}
