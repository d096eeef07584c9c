"""Property tests: every generated valid identifier passes; one corrupted character is caught and named.

python-stdnum is the independent oracle where it has an opinion (it does not know sex X and does not
correct look-alikes, so those cases are tested on their own).
"""

from __future__ import annotations

import os
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.mx import curp as stdnum_curp

from kiosk.identity import check, check_curp, check_nss, check_rfc
from kiosk.identity.curp import LAYOUT as CURP_LAYOUT
from kiosk.identity.normalize import DIGIT_FOR_LETTER, LETTER_FOR_DIGIT
from kiosk.identity.result import positions
from tests.kiosk.identity.strategies import DIGITS, LETTERS, curps, nss_numbers, rfcs

FAR_FUTURE = date(2099, 12, 31)  # no generated birth date is "in the future"
TODAY = date(2025, 6, 1)
ALNUM = LETTERS + DIGITS
# Mutation runs (tools/mutate.py) run these once per mutant: fewer examples there, the same properties.
PROPERTY = settings(max_examples=int(os.environ.get("KIOSK_PROPERTY_EXAMPLES", "150")), deadline=None)


def _lookalike(layout_class: str, char: str) -> bool:
    return (layout_class == "L" and char in LETTER_FOR_DIGIT) or (
        layout_class == "D" and char in DIGIT_FOR_LETTER
    )


@PROPERTY
@given(curps())
def test_generated_curps_are_valid(curp: str) -> None:
    result = check(curp, today=TODAY)
    assert result.kind == "curp" and result.valid and not result.warnings and result.normalized == curp


@PROPERTY
@given(curps(sexes="HM"))
def test_stdnum_agrees_on_generated_curps(curp: str) -> None:
    assert stdnum_curp.is_valid(curp)


@PROPERTY
@given(curps(), st.data())
def test_formatting_noise_does_not_matter(curp: str, data: st.DataObject) -> None:
    noisy = "".join(c.lower() if data.draw(st.booleans()) else c for c in curp)
    cut = data.draw(st.integers(1, 17))
    noisy = f" {noisy[:cut]}-{noisy[cut:]}. "
    result = check(noisy, today=TODAY)
    assert result.valid and result.normalized == curp


@PROPERTY
@given(curps(sexes="HM"), st.integers(1, 18), st.sampled_from(ALNUM))
def test_one_corrupted_curp_character_is_caught_where_it_is(curp: str, position: int, char: str) -> None:
    original = curp[position - 1]
    assume(char != original and not _lookalike(CURP_LAYOUT[position - 1], char))
    assume(not (position == 11 and char == "X"))  # X is a valid sex that stdnum does not know
    corrupted = curp[: position - 1] + char + curp[position:]
    result = check_curp(corrupted, FAR_FUTURE)
    stricter = (position == 2 and char not in "AEIOUX") or (
        position in (14, 15, 16) and char in "AEIOU" + DIGITS
    )
    if stricter:  # the inner vowel / consonant rules python-stdnum does not check
        assert position in positions(result.errors)
        return
    # Otherwise it agrees with python-stdnum, which checks the same rules without saying where.
    assert result.valid == stdnum_curp.is_valid(corrupted)
    if not result.valid:
        where = set(positions(result.errors))
        group = (
            {5} if 5 <= position <= 10 else {12} if position in (12, 13) else {2} if position <= 4 else set()
        )
        assert where & ({position, 18} | group), (corrupted, where)


@PROPERTY
@given(curps(), st.integers(1, 18), st.data())
def test_lookalike_in_a_curp_is_corrected_back(curp: str, position: int, data: st.DataObject) -> None:
    layout_class = CURP_LAYOUT[position - 1]
    table = LETTER_FOR_DIGIT if layout_class == "L" else DIGIT_FOR_LETTER if layout_class == "D" else {}
    typed = [k for k, v in table.items() if v == curp[position - 1]]
    assume(typed)
    corrupted = curp[: position - 1] + data.draw(st.sampled_from(typed)) + curp[position:]
    result = check_curp(corrupted, TODAY)
    assert result.valid and result.normalized == curp and positions(result.warnings) == [position]


@PROPERTY
@given(nss_numbers())
def test_generated_nss_are_valid(nss: str) -> None:
    result = check(nss)
    assert result.kind == "nss" and result.valid and not result.warnings


@PROPERTY
@given(nss_numbers(), st.integers(1, 11), st.sampled_from(DIGITS))
def test_one_wrong_nss_digit_is_always_caught(nss: str, position: int, char: str) -> None:
    assume(char != nss[position - 1])
    corrupted = nss[: position - 1] + char + nss[position:]
    result = check_nss(corrupted)
    assert not result.valid
    assert [m.code for m in result.errors] == ["identity.check_digit"] and positions(result.errors) == [11]
    if position == 11:
        assert result.errors[0].params["expected"] == nss[10]


@PROPERTY
@given(nss_numbers(), st.integers(0, 10))
def test_a_missing_nss_digit_is_counted(nss: str, index: int) -> None:
    result = check(nss[:index] + nss[index + 1 :])
    assert result.kind == "nss"
    assert result.errors[0].render("en") == "this NSS has 10 digits; it needs 11"


@PROPERTY
@given(rfcs())
def test_generated_rfcs_are_valid(rfc: str) -> None:
    result = check(rfc)
    assert result.kind == "rfc" and result.valid and not result.warnings, result


@PROPERTY
@given(rfcs(), st.data())
def test_a_non_lookalike_in_an_rfc_is_named(rfc: str, data: st.DataObject) -> None:
    letters = len(rfc) - 9
    position = data.draw(st.integers(1, letters + 6))
    if position <= letters:
        char = data.draw(st.sampled_from("34679"))  # digits that look like no letter
    else:
        char = data.draw(st.sampled_from("ACDEFGHJKMNPQRTUVWXY"))  # letters that look like no digit
    corrupted = rfc[: position - 1] + char + rfc[position:]
    result = check_rfc(corrupted)
    assert not result.valid and position in positions(result.errors)


@PROPERTY
@given(rfcs(), st.sampled_from(ALNUM))
def test_a_wrong_rfc_check_digit_only_warns(rfc: str, char: str) -> None:
    assume(char != rfc[-1])
    result = check_rfc(rfc[:-1] + char)
    assert result.valid
    assert [m.code for m in result.warnings] == ["identity.rfc.check_digit"]
    assert result.warnings[0].params["expected"] == rfc[-1]
