"""Path validation to the configured anchors: what breaks a chain, and why it is done here."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography import x509
from cryptography.x509 import verification

from kiosk.errors import KioskError
from kiosk.fiel.chain import Node, verify_chain
from tests.kiosk.fiel.sat_ca import SatCa, rsa_key

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _leaf(ca: SatCa, **kwargs):  # type: ignore[no-untyped-def]
    issued = ca.issue(rfc="KAHO641101B39", name="OSCAR KALA HAAK", curp="KAHO641101HNTLKS06", **kwargs)
    return Node.of(issued.cert, issued.der)


def _reason(call) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(KioskError) as info:
        call()
    reason = info.value.message.params.get("reason")
    return info.value.message.code, reason.code if reason is not None else ""


def test_good_path_is_leaf_intermediate_root(sat_ca: SatCa) -> None:
    path = verify_chain(_leaf(sat_ca), sat_ca.anchors, sat_ca.intermediates, NOW)
    assert [n.label for n in path] == ["OSCAR KALA HAAK", "AC UAT", "AC RAIZ PRUEBAS"]


def test_leaf_issued_directly_by_an_anchor(sat_ca: SatCa) -> None:
    leaf = _leaf(sat_ca, issuer=sat_ca.root)
    assert len(verify_chain(leaf, sat_ca.anchors, (), NOW)) == 2


def test_an_intermediate_configured_as_the_anchor(sat_ca: SatCa) -> None:
    # The reference backend may trust "AC UAT" itself (a file in its trust directory).
    path = verify_chain(_leaf(sat_ca), [sat_ca.intermediate.cert], (), NOW)
    assert [n.label for n in path] == ["OSCAR KALA HAAK", "AC UAT"]


def test_missing_intermediate_names_the_issuer(sat_ca: SatCa) -> None:
    with pytest.raises(KioskError) as info:
        verify_chain(_leaf(sat_ca), sat_ca.anchors, (), NOW)
    assert (
        str(info.value)
        == "the e.firma does not come from a trusted authority: the issuing authority 'AC UAT' is not known"
    )


def test_no_anchors_configured(sat_ca: SatCa) -> None:
    assert _reason(lambda: verify_chain(_leaf(sat_ca), [], sat_ca.intermediates, NOW)) == (
        "fiel.no_trust_anchors",
        "",
    )


def test_same_names_other_keys_do_not_chain(sat_ca: SatCa) -> None:
    other = SatCa(key_slot=2)  # identical names, different keys: the signatures decide
    code = _reason(lambda: verify_chain(_leaf(other), sat_ca.anchors, sat_ca.intermediates, NOW))
    assert code == ("fiel.untrusted", "fiel.chain.bad_signature")
    code = _reason(lambda: verify_chain(_leaf(sat_ca), other.anchors, sat_ca.intermediates, NOW))
    assert code == ("fiel.untrusted", "fiel.chain.bad_signature")


def test_expired_intermediate(sat_ca: SatCa) -> None:
    old = sat_ca.issue_ca("AC UAT", rsa_key(1), end=datetime(2025, 1, 1, tzinfo=UTC))
    leaf = _leaf(sat_ca, issuer=old)
    assert _reason(lambda: verify_chain(leaf, sat_ca.anchors, [old.cert], NOW)) == (
        "fiel.untrusted",
        "fiel.chain.ca_not_valid",
    )


def test_anchor_not_valid_at_now(sat_ca: SatCa) -> None:
    code = _reason(
        lambda: verify_chain(
            _leaf(sat_ca), sat_ca.anchors, sat_ca.intermediates, datetime(2041, 1, 1, tzinfo=UTC)
        )
    )
    assert code == ("fiel.untrusted", "fiel.chain.ca_not_valid")


def test_intermediate_that_is_not_a_ca(sat_ca: SatCa) -> None:
    fake = sat_ca.issue_ca("AC UAT", rsa_key(1), is_ca=False)
    leaf = _leaf(sat_ca, issuer=fake)
    assert _reason(lambda: verify_chain(leaf, sat_ca.anchors, [fake.cert], NOW)) == (
        "fiel.untrusted",
        "fiel.chain.not_ca",
    )


def test_path_length_of_the_root(sat_ca: SatCa) -> None:
    strict = SatCa(key_slot=4, root_path_length=0)
    code = _reason(lambda: verify_chain(_leaf(strict), strict.anchors, strict.intermediates, NOW))
    assert code == ("fiel.untrusted", "fiel.chain.path_too_long")


def test_unknown_critical_extension_on_the_leaf(sat_ca: SatCa) -> None:
    odd = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00")
    leaf = _leaf(sat_ca, extra_extensions=[(odd, True)])
    code = _reason(lambda: verify_chain(leaf, sat_ca.anchors, sat_ca.intermediates, NOW))
    assert code == ("fiel.untrusted", "fiel.chain.critical_extension")


def test_t61_leaf_chains(sat_ca: SatCa) -> None:
    leaf = _leaf(sat_ca)
    t61 = sat_ca.issue(rfc="URE180429TM6", name="UNIVERSIDAD ROBOTICA ESPAÑOLA SA DE CV", latin1_t61=True)
    assert len(verify_chain(Node.of(t61.cert, t61.der), sat_ca.anchors, sat_ca.intermediates, NOW)) == 3
    assert leaf.issuer_label == "AC UAT"


def test_why_cryptography_verifier_is_not_used(sat_ca: SatCa) -> None:
    """Measured facts behind kiosk.fiel.chain: if these ever change, reconsider PolicyBuilder."""
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store(sat_ca.anchors))
        .time(NOW)
        .build_client_verifier()
    )
    plain = sat_ca.issue(rfc="KAHO641101B39", name="OSCAR KALA HAAK")
    with pytest.raises(verification.VerificationError, match=r"2\.5\.29\.35"):  # SAT leaves carry no AKI
        verifier.verify(plain.cert, list(sat_ca.intermediates))
    t61 = sat_ca.issue(rfc="URE180429TM6", name="UNIVERSIDAD ROBOTICA ESPAÑOLA SA DE CV", latin1_t61=True)
    with pytest.raises(ValueError):
        verifier.verify(t61.cert, list(sat_ca.intermediates))
