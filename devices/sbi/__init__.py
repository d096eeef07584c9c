"""Devices behind a MOSIP Secure Biometric Interface (SBI 1.0) service on this machine.

`client` speaks the service's HTTP verbs, `trust` checks what it returns (JWS signatures against the
device providers' trust store, timestamps, transaction ids, the hash chain), `iso_image` decodes the
ISO/IEC 19794-4 record inside each biometric, and `reader.SbiReader` is the driver.
"""
