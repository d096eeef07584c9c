"""Device errors: typed, with a catalogue code in both languages and an English sentence for technicians."""

from __future__ import annotations

import numpy as np
import pytest

from devices import errors
from devices.frames import Frame
from kiosk.messages import LANGUAGES, Message, catalogue, placeholders


@pytest.mark.parametrize("kind", errors.ERROR_TYPES, ids=lambda k: k.__name__)
def test_every_error_code_is_in_the_catalogue_with_its_parameters(kind: type[errors.DeviceError]) -> None:
    error = kind("sim-fingerprint:0", reason="unplugged")
    texts = catalogue()[error.code]
    assert set(LANGUAGES) <= set(texts)
    for language in LANGUAGES:
        assert placeholders(texts[language]) <= set(error.params), (error.code, language)
        rendered = Message(error.code, error.params).render(language)
        assert "{" not in rendered and "sim-fingerprint:0" in rendered


def test_str_is_a_technicians_sentence_and_json_is_plain() -> None:
    error = errors.DeviceTimeout("sim-camera:0", reason="no frame arrived", seconds=2)
    assert str(error) == "device sim-camera:0 gave nothing within 2.0 s: no frame arrived"
    assert isinstance(error, TimeoutError) and isinstance(error, errors.DeviceError)
    assert error.to_json() == {
        "code": "devices.error.timeout",
        "params": {"device": "sim-camera:0", "reason": "no frame arrived", "seconds": 2.0},
        "text": str(error),
    }
    assert str(errors.Disconnected("x")) == "device x was disconnected"
    assert str(errors.NotFound("x", reason="not present")) == "device x not found: not present"


def test_frames_are_uint8_grey_or_rgb() -> None:
    assert Frame(np.zeros((5, 4), np.uint8), 0.0, 1).size == (4, 5)
    with pytest.raises(TypeError):
        Frame(np.zeros((5, 4), np.float32), 0.0, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Frame(np.zeros((5, 4, 4), np.uint8), 0.0, 1)
