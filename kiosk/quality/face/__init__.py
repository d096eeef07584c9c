"""Face quality on the spot: detection, landmarks, ICAO / ISO/IEC 19794-5 measures, guidance, token crop.

The public surface the enrolment pipeline and the Qt screen use::

    analyzer = FaceAnalyzer(FacePolicy(), still=False)    # one per analysing thread, reused
    result = analyzer.analyze(frame_rgb)                   # FaceResult: measures, score, guidance
    if AutoCapture(policy).feed(result): ...               # after `stable_frames` passing frames
    token = token_image(still_rgb, still_result)           # ISO/IEC 19794-5 token-frontal crop
"""

from kiosk.quality.face.analyzer import FaceAnalyzer
from kiosk.quality.face.autocapture import AutoCapture
from kiosk.quality.face.policy import FacePolicy
from kiosk.quality.face.pose import Pose
from kiosk.quality.face.result import MEASURES, FaceResult, Measure
from kiosk.quality.face.token import token_image

__all__ = [
    "MEASURES",
    "AutoCapture",
    "FaceAnalyzer",
    "FacePolicy",
    "FaceResult",
    "Measure",
    "Pose",
    "token_image",
]
