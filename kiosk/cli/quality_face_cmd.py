"""`kiosk quality face IMAGE... [--json] [--token OUT.png] [--preview]`: the face checks on image files.

A technician's and integrator's tool: it prints every measure of every image (value, verdict, the
sentence the person would hear) and, with `--token`, writes the ISO/IEC 19794-5 token-frontal crop of
one image. Writing an image is refused while an enrolment session is open on the station (DESIGN.md:
only technician tools write images, and never during an enrolment). Nothing is written otherwise.
Like `kiosk id check`, the exit status is 0 when every image passes and 1 when any fails; an image that
cannot be read is an error (one line, exit 1) before anything is printed.

`kiosk.cli.quality_cmd` (the `quality` command) calls `register` with its sub-parsers.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.cli.context import Context, table
from kiosk.errors import KioskError, UsageError
from kiosk.messages import Message
from kiosk.session_lock import enrolment_open


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("face", help="face quality checks (ICAO / ISO/IEC 19794-5) on image files")
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="photo(s) to check")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--token", type=Path, metavar="OUT.png", help="write the token-frontal crop of the (single) IMAGE"
    )
    parser.add_argument(
        "--preview",
        action="store_true",
        help="judge as a preview frame (inter-eye limit scaled to the frame height) instead of a still",
    )
    parser.set_defaults(func=run_face)


def run_face(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.quality.face import FaceAnalyzer, token_image

    if args.token is not None:
        if len(args.images) != 1:
            raise UsageError("quality.face.cli.token_one_image", count=len(args.images))
        _refuse_during_enrolment(ctx.data_dir)
    reports = []
    frames = []
    # A still is analysed on its own; a fresh analyser per image keeps the tracker of the preview mode
    # from carrying one file's face into the next.
    for path in args.images:
        frame = read_rgb(path)
        with FaceAnalyzer(still=not args.preview) as analyzer:
            result = analyzer.analyze(frame)
        frames.append((frame, result))
        reports.append({"path": str(path), **result.to_json(ctx.language)})
    if args.token is not None:
        frame, result = frames[0]
        if result.faces != 1 or result.landmarks is None:
            raise KioskError("quality.face.cli.token_no_face", path=str(args.images[0]), faces=result.faces)
        write_image(args.token, token_image(frame, result))
        reports[0]["token"] = str(args.token)
    ctx.emit(reports, args.json, lambda data: "\n\n".join(_human(report, ctx) for report in data))
    return 0 if all(report["passed"] for report in reports) else 1


MIN_SIDE = 32  # smaller holds no face to measure
MAX_PIXELS = 64 * 1024 * 1024  # larger than any camera's still: refused before it is decoded


def read_rgb(path: Path) -> np.ndarray:
    """Decode an image file to RGB; a missing, undecodable, tiny or gigantic file is one clear error.

    The size is read from the file's header first, so a 40000x40000 PNG is refused before gigabytes
    are allocated for it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KioskError(
            "quality.face.cli.bad_image", path=str(path), reason=exc.strerror or str(exc)
        ) from None
    size = _declared_size(raw)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        shown = f"{size[0]}x{size[1]}" if size[0] > 0 else f"more than {MAX_PIXELS} pixels"
        raise KioskError("quality.face.cli.bad_image", path=str(path), reason=f"too large: {shown}")
    try:
        image = cv2.imdecode(np.frombuffer(raw, dtype=np.uint8), cv2.IMREAD_COLOR) if raw else None
    except cv2.error:
        image = None
    if image is None:
        raise KioskError("quality.face.cli.bad_image", path=str(path), reason="not a decodable image")
    height, width = image.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise KioskError("quality.face.cli.bad_image", path=str(path), reason=f"too small: {width}x{height}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _declared_size(raw: bytes) -> tuple[int, int] | None:
    """(width, height) from the image's header without decoding it; None when Pillow cannot tell."""
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                return probe.size
    except Image.DecompressionBombError:  # beyond Pillow's own limit, far above ours: no size given
        return (-1, -MAX_PIXELS - 1)
    except Exception:  # not an image Pillow knows: OpenCV gets its chance
        return None


def write_image(path: Path, rgb: np.ndarray) -> None:
    suffix = path.suffix.lower() or ".png"
    try:
        ok, encoded = cv2.imencode(suffix, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        if not ok:
            raise OSError(f"cannot encode {suffix}")
        path.write_bytes(encoded.tobytes())
    except (OSError, cv2.error) as exc:
        raise KioskError("quality.face.cli.token_write_failed", path=str(path), reason=str(exc)) from None


def _refuse_during_enrolment(data_dir: Path) -> None:
    if enrolment_open(data_dir):
        raise KioskError("quality.face.cli.session_open", data_dir=str(data_dir))


def _human(report: dict[str, Any], ctx: Context) -> str:
    verdict = ctx.text(
        Message("quality.face.cli.verdict_pass" if report["passed"] else "quality.face.cli.verdict_fail")
    )
    head = (
        f"{report['path']}: {verdict}, score {report['score']:.0f}/100, faces {report['faces']}, "
        f"{report['ms']:.0f} ms"
    )
    if report.get("guidance"):
        head += f"\n  -> {report['guidance']}"
    if report.get("token"):
        head += f"\n  token: {report['token']}"
    rows = [
        [
            name,
            "-" if m["value"] is None else f"{m['value']:.4g}",
            "ok" if m["passed"] else "FAIL",
            m["message"],
        ]
        for name, m in report["measures"].items()
    ]
    return head + "\n" + table(rows, ["measure", "value", "", "message"])
