"""Resolution of each libfprint image driver's scanner, because libfprint itself reports 0 ppmm.

Matching and NFIQ 2 assume 500 ppi, so a wrong figure silently ruins quality scores; the table lists
only scanners whose datasheets give another resolution, and everything else is taken as 500 ppi (the
class of sensor every libfprint image driver serves: AuthenTec, Upek, Validity, Elan, Egis, …).
"""

from __future__ import annotations

DEFAULT_PPI = 500

PPI_BY_DRIVER: dict[str, int] = {
    "uru4000": 512,  # DigitalPersona U.are.U 4000/4500: 512 dpi (DigitalPersona product sheet)
    "nb1010": 385,  # NEXT Biometrics NB-1010-U: 180x256 px over 11.9x16.9 mm, 385 ppi (NB-1010 datasheet)
    "virtual_image": 500,  # the test driver serves whatever it is sent; our fixtures are 500 ppi
}


def ppi_for(driver: str) -> int:
    return PPI_BY_DRIVER.get(driver, DEFAULT_PPI)
