"""`kiosk quality finger|match|face`: the quality checks run on image files, for technicians and tests.

`finger` gives, per image, the real NFIQ 2 score (the acceptance measure), the live estimate the preview
would show, the finger's share of the frame, the guidance a person would hear and the time each took.
`match` gives the Bozorth3 score of two prints and whether they are of the same finger (the duplicate
check's threshold, policy default 40). Neither writes anything. Like `kiosk id check`, the exit status
says the verdict: `finger` exits 1 when any image scores below `--accept` (default 40), `match` exits 1
when the prints are of different fingers; an image that cannot be read is an error (one line, exit 1)
before anything is printed.

`face` lives in `kiosk.cli.quality_face_cmd` (the face checks) and is hooked in below.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from kiosk.cli.context import Context, table
from kiosk.errors import UsageError
from kiosk.messages import msg

DEFAULT_ACCEPT = 40


def _check_ppi(value: int) -> int:
    if value <= 0:
        raise UsageError("quality.finger.cli.bad_ppi", value=value)
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("quality", help="quality checks on image files (fingerprints, faces)")
    checks = parser.add_subparsers(dest="quality_command", required=True, metavar="CHECK")

    finger = checks.add_parser("finger", help="NFIQ 2, the live estimate and guidance for fingerprint images")
    finger.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="PNG, TIFF, BMP, PGM or WSQ")
    finger.add_argument("--ppi", type=int, default=500, help="resolution of the images (default 500)")
    finger.add_argument(
        "--accept", type=int, default=DEFAULT_ACCEPT, help="NFIQ 2 acceptance level (default 40)"
    )
    finger.add_argument("--json", action="store_true", help="machine-readable output")
    finger.set_defaults(func=run_finger)

    match = checks.add_parser("match", help="Bozorth3 score of two fingerprint images: same finger or not")
    match.add_argument("image_a", type=Path, metavar="IMAGE_A")
    match.add_argument("image_b", type=Path, metavar="IMAGE_B")
    match.add_argument("--ppi", type=int, default=500, help="resolution of both images (default 500)")
    match.add_argument(
        "--threshold", type=int, default=None, help="same finger at or above this (default 40)"
    )
    match.add_argument("--json", action="store_true", help="machine-readable output")
    match.set_defaults(func=run_match)

    # --- Hook: the face checks register their own sub-command (kiosk/cli/quality_face_cmd.py). ---
    try:
        from kiosk.cli import quality_face_cmd
    except ImportError:
        pass
    else:
        quality_face_cmd.register(checks)


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn(*args)
    return result, (time.perf_counter() - start) * 1000.0


def run_finger(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.quality.images import read_image, to_500ppi
    from kiosk.quality.live import live_estimate, warm_up
    from kiosk.quality.nfiq2 import extractor, nfiq2

    _check_ppi(args.ppi)
    images = [(path, read_image(path)) for path in args.images]  # every file readable before any output
    extractor(True)  # one-off set-up (NFIQ 2's forest, the estimator's tables) stays out of the timings
    warm_up()
    reports = []
    for path, image in images:
        result, ms_nfiq2 = _timed(nfiq2, image, args.ppi)
        live, ms_live = _timed(live_estimate, image, args.ppi)
        height, width = to_500ppi(image, args.ppi)[0].shape
        reports.append(
            {
                "path": str(path),
                "nfiq2": result.score,
                "nfiq2_error": result.error.to_json(ctx.language) if result.error else None,
                "live_estimate": round(live.estimate, 1),
                "foreground": round(live.foreground, 3),
                "guidance": [g.to_json(ctx.language) for g in result.guidance],
                "live_guidance": [g.to_json(ctx.language) for g in live.guidance],
                "resampled": result.resampled,
                "size": [width, height],
                "ms": {"nfiq2": round(ms_nfiq2, 1), "live": round(ms_live, 2)},
            }
        )

    def human(rows: list[dict[str, Any]]) -> str:
        body = table(
            [
                [
                    r["path"],
                    str(r["nfiq2"]),
                    f"{r['live_estimate']:.0f}",
                    f"{r['foreground']:.2f}",
                    f"{r['ms']['nfiq2']:.0f}",
                    f"{r['ms']['live']:.1f}",
                    (r["nfiq2_error"] or {}).get("text") or "; ".join(g["text"] for g in r["guidance"][:1]),
                ]
                for r in rows
            ],
            ["image", "nfiq2", "live", "finger", "ms nfiq2", "ms live", "guidance"],
        )
        notes = [
            f"{r['path']}: {ctx.text(msg('quality.finger.cli.resampled', ppi=args.ppi))}"
            for r in rows
            if r["resampled"]
        ]
        return "\n".join([body, *notes])

    ctx.emit(reports, args.json, human)
    return 0 if all(r["nfiq2"] >= args.accept for r in reports) else 1


def run_match(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.quality.images import read_image
    from kiosk.quality.matching import DEFAULT_THRESHOLD, make_template, match_score

    _check_ppi(args.ppi)
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    image_a, image_b = read_image(args.image_a), read_image(args.image_b)
    a, b = make_template(image_a, args.ppi), make_template(image_b, args.ppi)
    score, ms_match = _timed(match_score, a, b)
    same = score >= threshold
    data = {
        "score": score,
        "same_finger": same,
        "threshold": threshold,
        "minutiae": [a.count, b.count],
        "ms": {"match": round(ms_match, 2)},
    }

    def human(d: dict[str, Any]) -> str:
        verdict = msg(
            "quality.finger.cli.same_finger" if d["same_finger"] else "quality.finger.cli.different_fingers"
        )
        line = msg(
            "quality.finger.cli.match_line",
            score=d["score"],
            verdict=verdict,
            threshold=d["threshold"],
            a=d["minutiae"][0],
            b=d["minutiae"][1],
        )
        return f"{args.image_a} ~ {args.image_b}: {ctx.text(line)}"

    ctx.emit(data, args.json, human)
    return 0 if same else 1
