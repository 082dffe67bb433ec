"""Aggregation engine on tiny in-code frames: ratios of sums, secrecy, mergers."""

import math

import numpy as np
import pandas as pd
import pytest

from carnet.errors import UnknownKeyError
from carnet.indicators import Indicator, aggregate, get_indicator, registry
from carnet.sources import catalogue

CHOM = Indicator(id="chom", label="Chômage", unit="%", theme="t", source="s", vintage="v",
                 definition="d", rule="ratio", num=("s:CHOM",), den=("s:ACT",), scale=100)
POP = Indicator(id="pop", label="Pop", unit="hab.", theme="t", source="s", vintage="v",
                definition="d", rule="sum", var="s:POP")
MED = Indicator(id="med", label="Médiane", unit="€", theme="t", source="s", vintage="v",
                definition="d", rule="none", var="s:MED")


def frame():
    idx = pd.Index(["59001", "59002", "59003"], name="code")
    return pd.DataFrame({"s:CHOM": [10.0, 1.0, 30.0], "s:ACT": [100.0, 10.0, 100.0],
                         "s:POP": [500.0, 40.0, 700.0], "s:MED": [20000.0, np.nan, 21000.0]},
                        index=idx)


def test_rate_is_ratio_of_sums_not_mean_of_rates():
    groups = pd.Series(["A", "A", "B"], index=frame().index)
    out = aggregate([CHOM, POP], frame(), groups)
    assert out.loc["A", "chom"] == pytest.approx(100 * 11 / 110)  # 10 %, not mean(10 %, 10 %)
    groups = pd.Series(["A", "A", "A"], index=frame().index)
    out = aggregate([CHOM], frame(), groups)
    assert out.loc["A", "chom"] == pytest.approx(100 * 41 / 210)
    assert out.loc["A", "chom"] != pytest.approx((10 + 10 + 30) / 3)


def test_missing_commune_makes_aggregate_missing_not_smaller():
    v = frame()
    v.loc["59002", "s:POP"] = np.nan
    out = aggregate([POP], v, pd.Series(["A", "A", "B"], index=v.index))
    assert math.isnan(out.loc["A", "pop"]) and out.loc["B", "pop"] == 700


def test_non_aggregable_is_missing_above_commune_level():
    out = aggregate([MED], frame(), pd.Series(["A", "A", "A"], index=frame().index))
    assert math.isnan(out.loc["A", "med"])


def test_merged_commune_absorbed_value_counts_once():
    v = frame()
    v.loc["59002", "s:POP"] = np.nan  # carried by 59001 after a merger
    v.loc["59001", "s:POP"] = 540.0
    absorbed = pd.DataFrame(False, index=v.index, columns=v.columns)
    absorbed.loc["59002", "s:POP"] = True
    out = aggregate([POP], v, pd.Series(["A", "A", "A"], index=v.index), absorbed)
    assert out.loc["A", "pop"] == 1240


def test_growth_and_weighted_rules():
    idx = pd.Index(["a", "b"])
    v = pd.DataFrame({"s:P1": [100.0, 100.0], "s:P2": [121.0, 100.0], "s:D": [1.0, 3.0],
                      "s:W": [1.0, 3.0]}, index=idx)
    g = Indicator(id="g", label="", unit="%", theme="", source="s", vintage="", definition="",
                  rule="growth", start="s:P1", end="s:P2", years=2)
    w = Indicator(id="w", label="", unit="km", theme="", source="s", vintage="", definition="",
                  rule="weighted", var="s:D", weight="s:W")
    out = aggregate([g, w], v, pd.Series(["A", "A"], index=idx))
    assert out.loc["A", "g"] == pytest.approx(((221 / 200) ** 0.5 - 1) * 100)
    assert out.loc["A", "w"] == pytest.approx((1 * 1 + 3 * 3) / 4)


def test_unknown_indicator_lists_valid_ids():
    with pytest.raises(UnknownKeyError) as e:
        get_indicator("pop_1789")
    assert "pop_2022" in str(e.value) and "taux_chomage_2022" in str(e.value)


def test_every_indicator_is_documented_and_sourced():
    cat = catalogue()
    for iid, ind in registry().items():
        assert ind.label and ind.unit and ind.theme and ind.vintage, iid
        assert len(ind.definition) > 20, f"{iid}: définition trop courte"
        assert ind.source in cat, f"{iid}: source {ind.source} absente du catalogue"
        for v in ind.variables:
            sid = v.split(":", 1)[0]
            assert sid == "derive" or sid in cat, f"{iid}: variable {v}"


def test_registry_covers_required_families():
    ids = set(registry())
    for pop in ("pop_2011", "pop_2013", "pop_2015", "pop_2016", "pop_2018", "pop_2021",
                "pop_2022", "pop_legale_2019", "pop_legale_2023"):
        assert pop in ids
    for iid in ("densite_2022", "taux_vacance_2022", "taux_chomage_2018", "taux_chomage_2021",
                "taux_chomage_2022", "revenu_median_2019", "revenu_median_2021",
                "taux_pauvrete_2021", "ips_colleges", "distance_gare", "part_pnr"):
        assert iid in ids


def test_every_period_definition_counts_its_years():
    """Growth over A-B spans B - A years; a count cumulated over A-B spans B - A + 1 years."""
    import re

    from carnet.indicators import registry

    for iid, ind in registry().items():
        ys = [int(y) for y in re.findall(r"\d{4}", iid)]
        if ind.rule == "growth":
            assert ind.years == ys[1] - ys[0], iid
        elif ind.years:
            assert ind.rule == "ratio" and ind.years == ys[1] - ys[0] + 1, iid
            assert f"/ {ind.years} ans" in ind.definition, iid
