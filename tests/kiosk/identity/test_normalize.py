from kiosk.identity.normalize import Correction, clean, fix_lookalikes


def test_clean_drops_separators_and_case() -> None:
    assert clean(" gode-561231 gr8 ") == "GODE561231GR8"
    assert clean("123.456.789-01") == "12345678901"
    assert clean("mab\u2013930714\u00a08t4") == "MAB9307148T4"  # en dash and no-break space


def test_clean_strips_accents_but_keeps_enye() -> None:
    assert clean("Péña") == "PEÑA"


def test_lookalikes_follow_the_layout() -> None:
    fixed, corrections = fix_lookalikes("B0XW3108Z0", "LLLLDDDDDD")
    assert fixed == "BOXW310820"
    assert corrections == [Correction(2, "0", "O"), Correction(9, "Z", "2")]


def test_lookalikes_untouched_where_the_layout_allows_both() -> None:
    assert fix_lookalikes("O1", "..") == ("O1", [])


def test_no_correction_when_the_length_is_wrong() -> None:
    assert fix_lookalikes("B0X", "LLLL") == ("B0X", [])
