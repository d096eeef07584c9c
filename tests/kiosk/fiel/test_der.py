import pytest

from kiosk.fiel.der import DerError, certificate_names, decode_oid, decode_string, parse_name, read
from tests.kiosk.fiel.sat_ca import SatCa


def test_oid_decoding() -> None:
    assert decode_oid(bytes.fromhex("550403")) == "2.5.4.3"
    assert decode_oid(bytes.fromhex("2a864886f70d010901")) == "1.2.840.113549.1.9.1"
    assert decode_oid(bytes.fromhex("8837")) == "2.999"


def test_t61_is_utf8_when_it_decodes_and_latin1_otherwise() -> None:
    assert decode_string(0x14, "ESPAÑOLA".encode("latin-1")) == "ESPAÑOLA"
    assert decode_string(0x14, "ESPAÑOLA".encode()) == "ESPAÑOLA"
    assert decode_string(0x1E, "Ñ".encode("utf-16-be")) == "Ñ"


def test_truncated_and_indefinite_lengths_are_refused() -> None:
    with pytest.raises(DerError):
        read(b"\x30\x05\x02\x01")
    with pytest.raises(DerError):
        read(b"\x30\x80\x00\x00")


def test_names_of_a_generated_certificate(sat_ca: SatCa) -> None:
    issued = sat_ca.issue(rfc="KAHO641101B39", name="OSCAR KALA HAAK", curp="KAHO641101HNTLKS06")
    names = certificate_names(issued.der)
    subject = {a.oid: a.value for a in parse_name(names.subject)}
    assert subject["2.5.4.45"] == "KAHO641101B39" and subject["2.5.4.5"] == "KAHO641101HNTLKS06"
    assert names.issuer.raw == issued.cert.issuer.public_bytes()
