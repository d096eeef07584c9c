"""Synthetic fingerprints in the spirit of SFinGe: master prints and their impressions.

`master_print(person_seed, finger)` is the finger (repeatable, cached); `impression(master, rng,
condition)` is one capture of it on a 500 ppi sensor. The simulated reader and the tests of quality
and enrolment use these as stand-ins for real fingers.
"""

from devices.synth.capture import Impression, impression
from devices.synth.conditions import KINDS, Condition
from devices.synth.master import MasterPrint, master_print
from devices.synth.orientation import NATURAL_FREQUENCIES, PATTERNS, SingularPoint

__all__ = [
    "KINDS",
    "NATURAL_FREQUENCIES",
    "PATTERNS",
    "Condition",
    "Impression",
    "MasterPrint",
    "SingularPoint",
    "impression",
    "master_print",
]
