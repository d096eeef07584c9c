"""The capture and operator policy: defaults from the design, overridden by the backend's signed policy.

The station never invents policy: until it holds a signed policy it uses these defaults only in demo
and test modes; the version only moves forward and a policy past its expiry is not used.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.clock import rfc3339

FINGER_ORDER = (
    "right-thumb",
    "right-index",
    "left-thumb",
    "left-index",
    "right-middle",
    "right-ring",
    "right-little",
    "left-middle",
    "left-ring",
    "left-little",
)

# Why a person the backend already knows as enrolled is enrolled again (messages enrol.reenrol_reason.*).
# How long a packet the backend rejected keeps its sealed bytes (after sealing) for a retry.
REJECTED_RETENTION_S = 30 * 24 * 3600

REENROLMENT_REASONS = ("poor_quality", "injury_healed", "data_correction", "institute_request", "other")


def default_policy(version: int, issued_at: dt.datetime, valid_days: int = 30) -> dict[str, Any]:
    return {
        "version": version,
        "issued_at": rfc3339(issued_at),
        "expires_at": rfc3339(issued_at + dt.timedelta(days=valid_days)),
        "fingers": {
            "order": list(FINGER_ORDER),
            "min_nfiq2": 40,
            "attempts": 3,
            "duplicate_threshold": 40,
            "exceptions_need_supervisor": True,
            "below_threshold_confirmation": "operator",
        },
        "face": {
            "yaw_max": 5.0,
            "pitch_max": 5.0,
            "roll_max": 8.0,
            "min_inter_eye_px": 90.0,
            "stable_frames": 10,
            "attempts": 3,
            "below_threshold_confirmation": "operator",
        },
        "operators": {
            "max_failed_logins": 5,
            "failed_login_window_s": 15 * 60,
            "lockout_s": 15 * 60,
            "idle_warning_s": 90,
            "idle_logout_s": 120,
            "max_session_s": 10 * 3600,
        },
        "freeze": {"max_undelivered": 200, "max_oldest_undelivered_s": 72 * 3600},
        "allowed_drivers": [],
        "allow_simulators": False,
        "minor_age": 18,
        "reenrolment": {
            "confirmation": "supervisor",
            "reasons": list(REENROLMENT_REASONS),
        },
        "offline": {"login_window_s": 24 * 3600, "enrol_without_lookup": True},
        "min_free_disk_mb": 200,
        "outbox": {"rejected_retention_s": REJECTED_RETENTION_S},
    }
