"""Device diagnostics: pure measures, self-test checks, and the report `kiosk diagnose` saves."""

from devices.diagnostics.report import DiagnosticsReport, run_diagnostics
from devices.diagnostics.results import Check, DeviceReport
from devices.diagnostics.selftest import selftest

__all__ = ["Check", "DeviceReport", "DiagnosticsReport", "run_diagnostics", "selftest"]
