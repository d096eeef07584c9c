"""The face policy: every threshold the measures are judged against, in one dataclass.

Defaults are the ICAO 9303 / ISO/IEC 19794-5 full-frontal numbers (yaw and pitch within ±5°, roll within
±8°, 90 px between the eye centres on the still) and, where ICAO gives no number, the measure
definitions of OFIQ (ISO/IEC 29794-5), whose sigmoid midpoints serve as pass/fail limits. The backend's
signed policy can override any field; nothing here is fitted to one portrait.

Preview frames are smaller than the still, so the inter-eye limit scales with the frame: a webcam keeps
its vertical field of view when it switches between 4:3 and 16:9 modes (it crops the sides), so a face at
a given distance spans a number of pixels proportional to the frame *height*. A 640x480 preview of a
camera whose still is 1280x720 therefore asks for 90 * 480 / 720 = 60 px; judging the preview by the
still's limit would tell everybody to come closer until the still is taken too close.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FacePolicy:
    # Pose, degrees (ICAO full frontal).
    yaw_max: float = 5.0
    pitch_max: float = 5.0
    roll_max: float = 8.0
    # Size: eye centre to eye centre on the still, in pixels (ICAO minimum; 120 is ICAO's recommendation).
    min_inter_eye_px: float = 90.0
    ideal_inter_eye_px: float = 120.0
    # Height of the still frame the camera delivers; preview limits scale by frame height / still_height.
    still_height: int = 720
    # OFIQ head size: eye-midpoint-to-chin distance over the frame height.
    head_size_min: float = 0.15
    head_size_max: float = 0.45
    # Largest offset of the face centre from the frame centre, as a fraction of width / height.
    centring_max: float = 0.12
    # OFIQ eyes open: smaller eyelid gap over the eye-to-chin distance. A closed eye measures about 0.01
    # with FaceMesh's lid landmarks and an open one about 0.08; OFIQ's own midpoint is 0.02.
    eyes_open_min: float = 0.035
    # OFIQ mouth closed: largest inner-lip gap over the eye-to-chin distance (OFIQ midpoint 0.2); a smile
    # showing teeth stays near 0.1.
    mouth_open_max: float = 0.2
    # OFIQ luminance mean of the face region, 0-1 (OFIQ sigmoid midpoints 0.2 and 0.8).
    luminance_min: float = 0.2
    luminance_max: float = 0.8
    # Fractions of face pixels below 25 and above 247 (OFIQ's under/over-exposure definitions).
    under_exposed_max: float = 0.15
    over_exposed_max: float = 0.05
    # OFIQ illumination uniformity: left/right histogram intersection, 0-1.
    illumination_uniformity_min: float = 0.4
    # Fine-to-mid detail ratio at the canonical face scale (see photometry.sharpness).
    sharpness_min: float = 1.0
    # Mean luminance gradient of the background in the token area, grey levels per pixel at the canonical
    # scale. ICAO says "plain" without a number and OFIQ's scale differs (its own aligned image); 6 sits
    # well above a mottled studio backdrop (1.3) and far below stripes or clutter (40).
    background_gradient_max: float = 6.0
    # Detection.
    min_detection_confidence: float = 0.5
    # Auto-capture after this many consecutive passing analysed frames.
    stable_frames: int = 10

    def inter_eye_limit(self, frame_height: int, still: bool) -> float:
        """The inter-eye minimum for a frame of this height: the still's limit, or scaled for a preview."""
        if still or frame_height <= 0:
            return self.min_inter_eye_px
        return self.min_inter_eye_px * frame_height / self.still_height
