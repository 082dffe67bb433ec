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


def test_french_dates_never_iso():
    import datetime as dt

    from carnet.formatting import fmt_date, fmt_datetime

    assert fmt_datetime("2026-12-01T18:31:05+0000") == "1er décembre 2026 à 19 h 31"  # build meta, Paris
    assert fmt_datetime("2026-07-01T10:05:00Z") == "1er juillet 2026 à 12 h 05"  # summer time
    assert fmt_datetime(dt.datetime(2026, 12, 1, 19, 31)) == "1er décembre 2026 à 19 h 31"  # naive: as is
    assert fmt_datetime(dt.datetime(2026, 12, 1, 18, 31), naive_utc=True) == "1er décembre 2026 à 19 h 31"
    assert fmt_date("2025-01-15") == "15 janvier 2025" and fmt_date(dt.date(2025, 8, 2)) == "2 août 2025"
    assert fmt_datetime(None) == "date inconnue" and fmt_datetime("pas une date") == "date inconnue"
