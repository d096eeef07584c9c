"""An SBI 1.0 device service for the tests, written from the specification's example requests and
responses (MOSIP SBI 1.0: MOSIPDISC, MOSIPDINFO, RCAPTURE, STREAM), independently of the driver.

It signs with a device certificate issued by a test device-provider CA (made here, never stored), and
can be told to misbehave: busy, not registered, low quality, slow (timeout), a bad signature, a broken
hash chain, a stale timestamp, a wrong transaction id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import sys
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def certificate(
    subject: str, key: rsa.RSAPrivateKey, issuer: tuple[str, rsa.RSAPrivateKey] | None
) -> x509.Certificate:
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer[0])]) if issuer else name
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256())


class DeviceProvider:
    """A CA and one device key with its certificate."""

    def __init__(self, name: str = "Test Device Provider CA") -> None:
        self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ca = certificate(name, self.ca_key, None)
        self.device_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.device_cert = certificate("SBI test device", self.device_key, (name, self.ca_key))

    def pem(self) -> bytes:
        return self.ca.public_bytes(serialization.Encoding.PEM)

    def jws(self, payload: dict[str, Any]) -> str:
        header = {
            "alg": "RS256",
            "typ": "JWT",
            "x5c": [base64.b64encode(self.device_cert.public_bytes(serialization.Encoding.DER)).decode()],
        }
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
        signature = self.device_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"


DIGITAL_ID = {
    "serialNo": "SBI-FP-0042",
    "make": "Acme",
    "model": "SLAP-1",
    "type": "Finger",
    "deviceSubType": "Single",
    "deviceProvider": "Acme",
    "deviceProviderId": "acme",
    "dateTime": "",
}


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up on a capture (the timeout and cancel tests) is expected, not a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SbiService:
    def __init__(self, provider: DeviceProvider, record: bytes, jpeg: bytes) -> None:
        self.provider, self.record, self.jpeg = provider, record, jpeg
        self.mode = "ok"
        self.requests: list[dict[str, Any]] = []
        self.port = free_port()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def body(self) -> Any:
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length) or b"null")
                service.requests.append({"verb": self.command, "body": data})
                return data

            def reply(self, data: Any) -> None:
                raw = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_MOSIPDISC(self) -> None:
                self.body()
                self.reply([service.discovery()])

            def do_MOSIPDINFO(self) -> None:
                self.body()
                self.reply(
                    [
                        {
                            "deviceInfo": service.provider.jws(service.device_info()),
                            "error": {"errorCode": "0", "errorInfo": "Success"},
                        }
                    ]
                )

            def do_RCAPTURE(self) -> None:
                request = self.body()
                self.reply(service.capture(request))

            def do_STREAM(self) -> None:
                self.body()
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=--frame")
                self.end_headers()
                for _ in range(3):
                    self.wfile.write(
                        b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
                        % len(service.jpeg)
                    )
                    self.wfile.write(service.jpeg + b"\r\n")

        self.server = _QuietServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.release = threading.Event()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def status(self) -> str:
        return {"busy": "Busy", "not_registered": "Not Registered"}.get(self.mode, "Ready")

    def discovery(self) -> dict[str, Any]:
        return {
            "deviceId": "1",
            "deviceStatus": self.status(),
            "certification": "L0",
            "serviceVersion": "1.0",
            "deviceSubId": ["1"],
            "callbackId": f"http://127.0.0.1:{self.port}/",
            "digitalId": b64url(json.dumps(DIGITAL_ID).encode()),
            "deviceCode": "acme-1",
            "specVersion": ["0.9.5"],
            "purpose": "Registration",
            "error": {"errorCode": "0", "errorInfo": "Success"},
        }

    def device_info(self) -> dict[str, Any]:
        return {
            **self.discovery(),
            "firmware": "FW 2.4",
            "env": "Staging",
            "digitalId": b64url(json.dumps(DIGITAL_ID).encode()),
        }

    def capture(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.mode in ("busy", "not_registered"):
            code, info = ("111", "Device Busy") if self.mode == "busy" else ("100", "Device not registered")
            return {
                "biometrics": [
                    {
                        "specVersion": "0.9.5",
                        "data": "",
                        "hash": "",
                        "error": {"errorCode": code, "errorInfo": info},
                    }
                ]
            }
        if self.mode == "slow":
            self.release.wait(30)
        bio = request["bio"][0]
        stamp = datetime.now(UTC) - (timedelta(hours=2) if self.mode == "stale" else timedelta(0))
        data = {
            "digitalId": b64url(json.dumps(DIGITAL_ID).encode()),
            "deviceCode": "acme-1",
            "deviceServiceVersion": "1.0",
            "bioType": "Finger",
            "bioSubType": bio["bioSubType"][0],
            "purpose": request["purpose"],
            "env": request["env"],
            "bioValue": b64url(self.record),
            "transactionId": "other" if self.mode == "wrong_transaction" else request["transactionId"],
            "timestamp": stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "requestedScore": str(bio["requestedScore"]),
            "qualityScore": "25" if self.mode == "low_quality" else "80",
        }
        token = self.provider.jws(data)
        if self.mode == "bad_signature":  # the payload altered after signing
            head, _payload, signature = token.split(".")
            token = f"{head}.{b64url(json.dumps({**data, 'qualityScore': '99'}).encode())}.{signature}"
        previous = hashlib.sha256(b"").digest()
        current = hashlib.sha256(previous + hashlib.sha256(self.record).digest()).hexdigest().upper()
        if self.mode == "broken_chain":
            current = hashlib.sha256(hashlib.sha256(self.record).digest()).hexdigest().upper()
        return {
            "biometrics": [
                {
                    "specVersion": "0.9.5",
                    "data": token,
                    "hash": current,
                    "error": {"errorCode": "0", "errorInfo": "Success"},
                }
            ]
        }


def free_port() -> int:
    for port in range(4501, 4601):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 4501-4600")
