"""The enrolment bench lives in tests/fixtures/enrolment.py (the screens' tests use it too)."""
