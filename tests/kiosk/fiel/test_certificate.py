"""Reading SAT certificates: every real test certificate, the T61String ones, FIEL versus CSD."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.errors import KioskError
from kiosk.fiel import CertKind, parse_certificate
from tests.kiosk.fiel.sat_ca import SatCa


@pytest.mark.shared_data
def test_every_sat_test_certificate_loads(sat_dir: Path, record_property: pytest.RecordProperty) -> None:
    paths = sorted(sat_dir.rglob("*.cer"))
    kinds = {CertKind.FIEL: 0, CertKind.CSD: 0}
    for path in paths:
        cert = parse_certificate(path.read_bytes())
        kinds[cert.kind] += 1
        # The file name says which it is: "_csd" or a CSD folder.
        assert (cert.kind is CertKind.CSD) == ("csd" in str(path.relative_to(sat_dir)).lower()), path
        assert cert.rfc.lower() in str(path).lower() or cert.rfc == "AAA010101AAA"
        assert cert.name and cert.certificate_number and len(cert.certificate_number) == 20
        assert cert.valid_from < cert.valid_to
    all_test_certs = list((sat_dir / "python-satcfdi" / "all-test-certs").glob("*.cer"))
    record_property("certificates_loaded", len(paths))
    fiel, csd = kinds[CertKind.FIEL], kinds[CertKind.CSD]
    print(f"\n{len(paths)} SAT test certificates loaded ({fiel} FIEL, {csd} CSD)")
    assert len(all_test_certs) == 46
    assert len(paths) == 53 and kinds == {CertKind.FIEL: 27, CertKind.CSD: 26}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["ure180429tm6.cer", "ure180429tm6_csd.cer", "ivd920810gu2_csd.cer"])
def test_latin1_t61_subjects_that_cryptography_refuses(sat_dir: Path, name: str) -> None:
    data = (sat_dir / "python-satcfdi" / "all-test-certs" / name).read_bytes()
    cert = parse_certificate(data)
    with pytest.raises(ValueError):
        _ = cert.cert.subject  # the trap: cryptography cannot read these names
    if name.startswith("ure"):
        assert cert.name == "UNIVERSIDAD ROBOTICA ESPAÑOLA SA DE CV"
    else:
        assert cert.name == "INNOVACION VALOR Y DESARROLLO SA" and cert.kind is CertKind.CSD


@pytest.mark.shared_data
def test_company_fiel_fields(sat_dir: Path) -> None:
    cert = parse_certificate((sat_dir / "fake-fiel-EKU9003173C9" / "EKU9003173C9.cer").read_bytes())
    assert cert.kind is CertKind.FIEL and cert.is_company
    assert (cert.rfc, cert.representative_rfc, cert.curp) == (
        "EKU9003173C9",
        "VADA800927DJ3",
        "VADA800927HSRSRL05",
    )
    assert cert.holder_curp is None
    assert cert.certificate_number == "30001000000500003415"
    assert cert.name == "ESCUELA KEMPER URGATE SA DE CV" and cert.issuer_name == "AC UAT"
    assert cert.valid_to == datetime(2027, 5, 17, 4, 37, 14, tzinfo=UTC)
    assert not cert.expired(datetime(2027, 5, 17, 4, 37, 14, tzinfo=UTC))
    assert cert.expired(datetime(2027, 5, 17, 4, 37, 15, tzinfo=UTC))
    assert cert.not_yet_valid(datetime(2023, 5, 18))  # naive: taken as UTC midnight, before 04:37


@pytest.mark.shared_data
def test_person_fields(sat_dir: Path) -> None:
    cert = parse_certificate((sat_dir / "python-satcfdi" / "cacx7605101p8.cer").read_bytes())
    assert not cert.is_company and cert.representative_rfc is None
    assert (cert.rfc, cert.curp, cert.name) == ("CACX7605101P8", "CACX760510MGTSHC04", "XOCHILT CASAS CHAVEZ")


def test_pem_is_accepted(sat_ca: SatCa) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    issued = sat_ca.issue(
        rfc="KAHO641101B39", name="OSCAR KALA HAAK", curp="KAHO641101HNTLKS06", number="30001000000400002305"
    )
    cert = parse_certificate(issued.cert.public_bytes(Encoding.PEM))
    assert cert.der == issued.der and cert.certificate_number == "30001000000400002305"


def test_generated_t61_certificate_reproduces_the_trap(sat_ca: SatCa) -> None:
    issued = sat_ca.issue(rfc="URE180429TM6", name="UNIVERSIDAD ROBOTICA ESPAÑOLA SA DE CV", latin1_t61=True)
    with pytest.raises(ValueError):
        _ = issued.cert.subject
    assert parse_certificate(issued.der).name == "UNIVERSIDAD ROBOTICA ESPAÑOLA SA DE CV"


def test_csd_has_an_ou(sat_ca: SatCa) -> None:
    csd = sat_ca.issue(rfc="KAHO641101B39", name="OSCAR KALA HAAK", unit="OSCAR KALA HAAK")
    assert parse_certificate(csd.der).kind is CertKind.CSD


def test_not_a_certificate_and_not_a_sat_certificate(sat_ca: SatCa) -> None:
    with pytest.raises(KioskError) as info:
        parse_certificate(b"not a certificate")
    assert info.value.message.code == "fiel.cert_unreadable"
    with pytest.raises(KioskError) as info:
        parse_certificate(sat_ca.root.der)
    assert info.value.message.code == "fiel.not_sat_certificate"
