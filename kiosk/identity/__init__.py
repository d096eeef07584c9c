"""Mexican identifiers at the window: CURP, NSS, RFC and registro patronal, checked locally.

`check(value)` guesses the kind and returns an `IdCheck` with every problem and its position; the
per-kind checkers and the CURP date helpers (for the consent rules on minors) are exported too.
"""

from kiosk.identity.curp import check_curp, curp_birth_date, is_minor
from kiosk.identity.detect import check, detect
from kiosk.identity.nss import check_nss, nss_parts
from kiosk.identity.registro_patronal import check_registro_patronal
from kiosk.identity.result import KINDS, IdCheck, Kind
from kiosk.identity.rfc import check_rfc

__all__ = [
    "KINDS",
    "IdCheck",
    "Kind",
    "check",
    "check_curp",
    "check_nss",
    "check_registro_patronal",
    "check_rfc",
    "curp_birth_date",
    "detect",
    "is_minor",
    "nss_parts",
]
