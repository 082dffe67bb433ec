import math

from carnet.formatting import NBSP, fmt_int, fmt_number, fmt_percent, fmt_value


def test_french_number_format():
    assert fmt_number(1234.5, 1) == f"1{NBSP}234,5"
    assert fmt_int(2606234) == f"2{NBSP}606{NBSP}234"
    assert fmt_percent(12.34) == f"12,3{NBSP}%"
    assert fmt_value(158302, "hab.") == f"158{NBSP}302{NBSP}hab."
    assert fmt_value(14.94, "%", 1) == f"14,9{NBSP}%"


def test_missing_is_never_zero():
    assert fmt_number(math.nan) == "non publié"
    assert fmt_percent(None) == "non publié"
    assert fmt_value(float("nan"), "€/UC") == "non publié"


def test_no_negative_zero():
    assert fmt_number(-0.01, 1) == "0,0"
    assert fmt_number(-1.25, 1) == "-1,2"
