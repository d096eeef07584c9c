"""Operators at the station: login lockout rules, idle logout, sessions bound to the station, and a
supervisor confirming over a clerk's session. The backend enforces login and lockout with the same
policy objects; the kiosk uses them for what happens at the window.
"""

from kiosk.operators.idle import IdleEvent, IdlePolicy, IdleState, IdleTimer
from kiosk.operators.lockout import LockoutPolicy, LockoutStatus, LockoutTracker
from kiosk.operators.override import SupervisorConfirmation, confirm_over_session
from kiosk.operators.session import OperatorSession

__all__ = [
    "IdleEvent",
    "IdlePolicy",
    "IdleState",
    "IdleTimer",
    "LockoutPolicy",
    "LockoutStatus",
    "LockoutTracker",
    "OperatorSession",
    "SupervisorConfirmation",
    "confirm_over_session",
]
