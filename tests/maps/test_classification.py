"""Classification registry, palette and French labels."""

from __future__ import annotations

import numpy as np
import pytest

from carnet.maps.thematic import (
    SCHEMES,
    auto_decimals,
    class_labels,
    classify,
    format_value,
    palette,
)


def test_registry_has_the_three_schemes():
    assert set(SCHEMES) == {"quantiles", "natural_breaks", "equal_interval"}


def test_unknown_scheme_lists_valid_ones():
    with pytest.raises(ValueError) as err:
        classify([1, 2, 3], "jenks", 3)
    for name in SCHEMES:
        assert name in str(err.value)


@pytest.mark.parametrize("k", [0, 10])
def test_k_out_of_range(k):
    with pytest.raises(ValueError, match="classes"):
        classify([1, 2, 3], "quantiles", k)


def test_quantiles_on_ten_values():
    c = classify(np.arange(1, 11, dtype=float), "quantiles", 5)
    np.testing.assert_allclose(c.bins, [2.8, 4.6, 6.4, 8.2, 10.0])
    assert c.classes.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert c.counts.tolist() == [2, 2, 2, 2, 2]
    assert c.lower == 1.0


def test_equal_interval_bins():
    c = classify([0.0, 1.0, 2.0, 9.0, 10.0], "equal_interval", 2)
    assert c.bins.tolist() == [5.0, 10.0]
    assert c.classes.tolist() == [0, 0, 0, 1, 1]


def test_natural_breaks_separates_groups_and_is_deterministic():
    values = [1, 2, 3, 50, 51, 52, 100, 101]
    first = classify(values, "natural_breaks", 3)
    assert first.bins.tolist() == [3.0, 52.0, 101.0]
    assert first.classes.tolist() == [0, 0, 0, 1, 1, 1, 2, 2]
    state = np.random.get_state()[1][:5].tolist()
    for _ in range(5):
        assert classify(values, "natural_breaks", 3).bins.tolist() == first.bins.tolist()
    assert np.random.get_state()[1][:5].tolist() == state  # global RNG untouched


def test_missing_values_get_class_minus_one():
    c = classify([1.0, np.nan, 3.0, None, np.inf, 2.0], "quantiles", 2)
    assert c.classes.tolist()[1] == -1
    assert c.classes.tolist()[3] == -1
    assert c.classes.tolist()[4] == -1
    assert c.n_missing == 3
    assert c.counts.sum() == 3


def test_few_distinct_values_reduce_k_without_empty_classes():
    c = classify([5.0, 5.0, 5.0, 7.0], "quantiles", 5)
    assert c.k == 2
    assert (c.counts > 0).all()
    one = classify([4.0, 4.0], "equal_interval", 3)
    assert one.k == 1 and one.classes.tolist() == [0, 0]


def test_single_class():
    c = classify([3.0, 1.0, 2.0, np.nan], "quantiles", 1)
    assert c.bins.tolist() == [3.0] and c.lower == 1.0
    assert c.classes.tolist() == [0, 0, 0, -1]


def test_all_missing():
    c = classify([np.nan, np.nan], "quantiles", 5)
    assert c.k == 0 and c.n_missing == 2


def test_palette_colour_blind_safe_sequential():
    assert palette(5) == ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
    for k in range(1, 10):
        assert len(palette(k)) == k


def test_french_formatting():
    assert format_value(1234.5, "", 1) == "1\u202f234,5"
    assert format_value(12.345, "%", 1) == "12,3\u202f%"
    assert format_value(21340, "€", 0) == "21\u202f340\u202f€"
    assert format_value(np.nan, "%", 1) == "non publié"
    assert auto_decimals([1, 2, 3000]) == 0
    assert auto_decimals([1.5, 20.25]) == 1
    assert auto_decimals([0.12, 0.5]) == 2


def test_class_labels():
    c = classify([1000.0, 2000.0, 3000.0, 4000.0], "quantiles", 2)
    assert class_labels(c, 0) == ["1\u202f000 – 2\u202f500", "2\u202f500 – 4\u202f000"]
