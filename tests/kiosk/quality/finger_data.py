"""The real prints of the shared test data, loaded once per test session for the fingerprint tests.

Loading and de-duplicating the 21 listed files takes a second; the tests of the live estimator, the
guidance and the duplicate check all read the same 18 distinct prints, so they are cached here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from kiosk.fitting import fit_live

FINGERPRINTS = "fingerprints"


@cache
def prints(data_dir: Path) -> dict[str, np.ndarray]:
    """Distinct real prints at 500 ppi, keyed by their path under fingerprints/."""
    return fit_live.sources(data_dir)


def image(data_dir: Path, relative: str) -> np.ndarray:
    return prints(data_dir)[relative]
