"""The demo's and the tests' synthetic people: plausible, valid identifiers that belong to nobody.

Person `i` of a seed is always the same (name, birth date, CURP with a correct check digit, NSS with a
correct Luhn digit) and owns the fingers the simulated reader produces for that person's seed, so the
reference backend can know them and the headless enrolment can find them by lookup.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from stdnum.mx import curp as stdnum_curp

GIVEN = {
    "H": ("JOSE", "JUAN", "LUIS", "CARLOS", "MIGUEL", "JORGE", "PEDRO", "RAUL", "ARTURO", "ALEJANDRO"),
    "M": ("MARIA", "GUADALUPE", "ROSA", "ANA", "LAURA", "PATRICIA", "SOFIA", "ELENA", "VERONICA", "ADRIANA"),
}
SURNAMES = (
    "HERNANDEZ",
    "GARCIA",
    "MARTINEZ",
    "LOPEZ",
    "GONZALEZ",
    "PEREZ",
    "RODRIGUEZ",
    "SANCHEZ",
    "RAMIREZ",
    "CRUZ",
    "FLORES",
    "GOMEZ",
    "MORALES",
    "VAZQUEZ",
    "REYES",
    "JIMENEZ",
    "TORRES",
    "DIAZ",
    "RUIZ",
    "MENDOZA",
)
STATES = ("AS", "BC", "CH", "DF", "GR", "JC", "MC", "MN", "NL", "OC", "PL", "QT", "SP", "VZ", "YN")
VOWELS = "AEIOU"
MAX_PEOPLE = (
    1000  # one run of `kiosk enrol --simulated --count N`, one `kiosk backend add-person --synthetic N`
)


@dataclass(frozen=True)
class SyntheticPerson:
    index: int
    name: str
    sex: str
    birth_date: date
    curp: str
    nss: str
    finger_seed: int


def _first_vowel(word: str) -> str:
    return next((c for c in word[1:] if c in VOWELS), "X")


def _first_consonant(word: str) -> str:
    return next((c for c in word[1:] if c not in VOWELS), "X")


def make_curp(given: str, first: str, second: str, born: date, sex: str, state: str, homonym: str) -> str:
    base = (
        first[0]
        + _first_vowel(first)
        + second[0]
        + given[0]
        + born.strftime("%y%m%d")
        + sex
        + state
        + _first_consonant(first)
        + _first_consonant(second)
        + _first_consonant(given)
        + homonym
    )
    return base + stdnum_curp.calc_check_digit(base)


def person(index: int, seed: int = 2026) -> SyntheticPerson:
    rng = random.Random(seed * 1_000_003 + index)
    sex = rng.choice("HM")
    given, first, second = rng.choice(GIVEN[sex]), rng.choice(SURNAMES), rng.choice(SURNAMES)
    born = date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
    # Position 17 tells the century: a digit before 2000, a letter from 2000 on.
    homonym = str(rng.randint(0, 9)) if born.year < 2000 else rng.choice("ABCDEFGH")
    curp = make_curp(given, first, second, born, sex, rng.choice(STATES), homonym)
    if stdnum_curp.is_valid(curp) is False:  # an inconvenient word: the registry replaces the 2nd letter
        curp = make_curp(given, first[0] + "X" + first[2:], second, born, sex, curp[11:13], homonym)
    nss_body = f"{rng.randint(1, 99):02d}{rng.randint(0, 99):02d}{born:%y}{rng.randint(0, 9999):04d}"
    return SyntheticPerson(
        index=index,
        name=f"{given} {first} {second}",
        sex=sex,
        birth_date=born,
        curp=curp,
        nss=nss_body + luhn.calc_check_digit(nss_body),
        finger_seed=seed * 100_000 + index,
    )


def people(count: int, seed: int = 2026) -> list[SyntheticPerson]:
    return [person(i, seed) for i in range(count)]
