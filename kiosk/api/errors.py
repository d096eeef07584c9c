"""Every error the backend can answer, with its HTTP status, its meaning, and what the operator is told.

The table is the single source for `docs/errors.md` (a test checks the document lists every code) and
for the client's mapping of answers to messages (`backend.error.<code>` in the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    meaning: str
    retryable: bool = False


CODES: tuple[ErrorCode, ...] = (
    ErrorCode("bad_request", 400, "The request body or parameters do not match the contract."),
    ErrorCode("not_found", 404, "No such path in the API."),
    ErrorCode("method_not_allowed", 405, "The path does not take that method."),
    ErrorCode("invalid_token", 401, "The registration token is unknown, already used or expired."),
    ErrorCode("unauthenticated", 401, "The request carries no valid station signature."),
    ErrorCode("unknown_station", 401, "The station id is not registered at this backend."),
    ErrorCode("station_revoked", 403, "The station was revoked; it may not submit or log anyone in."),
    ErrorCode("clock_skew", 401, "The station's clock differs from the backend's by more than allowed."),
    ErrorCode("invalid_credentials", 401, "Wrong user name or password."),
    ErrorCode("account_locked", 423, "Too many failed logins; the account is locked for a while."),
    ErrorCode("session_expired", 401, "The operator's session is unknown, ended or expired."),
    ErrorCode("forbidden", 403, "The operator's role does not allow this action."),
    ErrorCode("weak_password", 400, "The new password does not meet the password rules."),
    ErrorCode("password_expired", 403, "The password is right but must be changed before the first session."),
    ErrorCode("fiel_invalid", 401, "The e.firma certificate or its signature did not verify."),
    ErrorCode("fiel_expired", 401, "The e.firma certificate is expired or not yet valid."),
    ErrorCode("fiel_untrusted", 401, "The e.firma certificate does not chain to a trusted SAT authority."),
    ErrorCode("fiel_not_fiel", 401, "The certificate is a CSD (seal), not an e.firma."),
    ErrorCode("challenge_expired", 401, "The login challenge is unknown, used or expired."),
    ErrorCode("person_not_found", 404, "No person with that CURP or NSS."),
    ErrorCode("invalid_identifier", 400, "The CURP or NSS is malformed."),
    ErrorCode("packet_not_found", 404, "No packet with that id was received."),
    ErrorCode("too_large", 413, "The request body is larger than the backend accepts for that call."),
    ErrorCode("unsupported_media_type", 415, "A packet must be sent as application/octet-stream."),
    ErrorCode("malformed_packet", 422, "The packet's header or framing is not the documented format."),
    ErrorCode("unknown_key", 422, "The packet is sealed to a backend key this backend does not hold."),
    ErrorCode("decryption_failed", 422, "The packet could not be decrypted: tampered or corrupt ciphertext."),
    ErrorCode("bad_signature", 422, "A signature in the packet does not verify with the station's keys."),
    ErrorCode("unsigned_packet", 422, "The packet carries no station signature."),
    ErrorCode("station_mismatch", 422, "The packet names a station other than the one that sent it."),
    ErrorCode("packet_id_mismatch", 422, "The packet id in the request differs from the one sealed inside."),
    ErrorCode("packet_id_reused", 409, "A different packet was already received under this packet id."),
    ErrorCode("manifest_invalid", 422, "The manifest does not follow its schema."),
    ErrorCode("record_invalid", 422, "A biometric record is not a well-formed ISO/IEC 19794 record."),
    ErrorCode(
        "unregistered_device", 422, "The packet names a capture device not registered for the station."
    ),
    ErrorCode(
        "bad_checkpoint", 422, "The audit checkpoint's signature does not verify with the station's keys."
    ),
    ErrorCode(
        "checkpoint_stale",
        409,
        "The station named another checkpoint than the last one acknowledged; ask again.",
        retryable=True,
    ),
    ErrorCode(
        "checkpoint_conflict",
        409,
        "The station's audit log no longer passes through the last checkpoint acknowledged: it was cut.",
    ),
    ErrorCode("checkpoint_not_found", 404, "The backend holds no audit checkpoint of this station yet."),
    ErrorCode("rate_limited", 429, "Too many requests; retry later.", retryable=True),
    ErrorCode("internal", 500, "The backend failed; the request may be retried.", retryable=True),
    ErrorCode("unavailable", 503, "The backend is temporarily unavailable.", retryable=True),
)

BY_CODE = {c.code: c for c in CODES}
