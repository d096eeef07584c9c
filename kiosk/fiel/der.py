"""A minimal DER reader: just enough to read names that `cryptography` refuses.

SAT writes Ñ and Ó in some subjects as Latin-1 bytes inside a T61String (e.g. "UNIVERSIDAD ROBOTICA
ESPAÑOLA"); `cryptography`'s `cert.subject` raises ValueError on those certificates, and no ASN.1
library is installed. Real employers hold such certificates, so the kiosk walks the DER itself: the
certificate's layout up to the subject is fixed (RFC 5280 §4.1), and a name is a SEQUENCE of SETs of
(OID, string) pairs. Nothing here interprets the rest of the certificate: `cryptography` still parses
keys, dates, extensions and signatures.
"""

from __future__ import annotations

from dataclasses import dataclass

SEQUENCE = 0x30
SET = 0x31
OID = 0x06
CONTEXT_0 = 0xA0

_UTF8, _NUMERIC, _PRINTABLE, _T61, _IA5, _VISIBLE, _UNIVERSAL, _BMP = (
    0x0C,
    0x12,
    0x13,
    0x14,
    0x16,
    0x1A,
    0x1C,
    0x1E,
)
_BIT_STRING = 0x03


class DerError(ValueError):
    """The bytes are not the DER structure expected."""


@dataclass(frozen=True)
class Tlv:
    """One DER element inside `data`: tag byte, where its content starts and where it ends."""

    data: bytes
    tag: int
    start: int
    content_start: int
    end: int

    @property
    def content(self) -> bytes:
        return self.data[self.content_start : self.end]

    @property
    def raw(self) -> bytes:
        return self.data[self.start : self.end]

    def children(self) -> list[Tlv]:
        if not self.tag & 0x20:
            raise DerError(f"tag 0x{self.tag:02x} is not constructed")
        out, offset = [], self.content_start
        while offset < self.end:
            child = read(self.data, offset, self.end)
            out.append(child)
            offset = child.end
        return out


def read(data: bytes, offset: int = 0, limit: int | None = None) -> Tlv:
    """The element starting at `offset` (definite lengths only, as DER requires)."""
    limit = len(data) if limit is None else limit
    if offset + 2 > limit:
        raise DerError("truncated element")
    tag = data[offset]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tags are not used in certificates")
    first = data[offset + 1]
    pos = offset + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > limit:
            raise DerError("bad or indefinite length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > limit:
        raise DerError("element runs past its container")
    return Tlv(data, tag, offset, pos, pos + length)


def decode_oid(content: bytes) -> str:
    if not content:
        raise DerError("empty OID")
    arcs: list[int] = []
    value = 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])


def decode_string(tag: int, content: bytes) -> str:
    """Text of a directory string. T61String: UTF-8 when it decodes, else Latin-1 (what SAT writes)."""
    if tag == _UTF8:
        return content.decode("utf-8", errors="replace")
    if tag == _T61:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            return content.decode("latin-1")
    if tag in (_PRINTABLE, _IA5, _VISIBLE, _NUMERIC):
        return content.decode("latin-1")
    if tag == _BMP:
        return content.decode("utf-16-be", errors="replace")
    if tag == _UNIVERSAL:
        return content.decode("utf-32-be", errors="replace")
    return content.hex()  # BIT STRING (uniqueIdentifier) or anything unexpected: keep it visible


@dataclass(frozen=True)
class NameAttribute:
    oid: str
    value: str
    tag: int


def parse_name(name: Tlv) -> list[NameAttribute]:
    """The attributes of an X.501 Name in the order they are encoded."""
    if name.tag != SEQUENCE:
        raise DerError("a Name is a SEQUENCE")
    attributes: list[NameAttribute] = []
    for rdn in name.children():
        if rdn.tag != SET:
            raise DerError("a relative distinguished name is a SET")
        for pair in rdn.children():
            parts = pair.children()
            if len(parts) < 2 or parts[0].tag != OID:
                raise DerError("attribute type is not an OID")
            oid, value = parts[0], parts[1]
            attributes.append(
                NameAttribute(decode_oid(oid.content), decode_string(value.tag, value.content), value.tag)
            )
    return attributes


@dataclass(frozen=True)
class TbsNames:
    """The raw issuer and subject of a certificate, for reading and for comparing."""

    issuer: Tlv
    subject: Tlv


def certificate_names(cert_der: bytes) -> TbsNames:
    """Issuer and subject of a DER certificate: Certificate ::= SEQUENCE { tbs SEQUENCE { [0] version,
    serial, signature, issuer, validity, subject, ... } ... }."""
    outer = read(cert_der)
    if outer.tag != SEQUENCE:
        raise DerError("a certificate is a SEQUENCE")
    tbs = outer.children()[0]
    fields = tbs.children()
    if fields and fields[0].tag == CONTEXT_0:
        fields = fields[1:]
    if len(fields) < 5:
        raise DerError("the certificate body is too short")
    return TbsNames(issuer=fields[2], subject=fields[4])


def normalized_name(name: Tlv) -> tuple[tuple[str, str], ...]:
    """A name for comparison (RFC 5280 §7.1, simplified): case and inner spaces do not count."""
    return tuple((a.oid, " ".join(a.value.split()).casefold()) for a in parse_name(name))
