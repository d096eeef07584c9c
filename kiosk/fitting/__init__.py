"""Model-fitting tools, beside the benchmarks (`kiosk/benches/`), outside the runtime packages.

`fit_live` fits the live finger-quality estimator (`kiosk.quality.live_model`) against NFIQ 2 on real
prints and their degraded `variants`; `match_calibration` measures the duplicate-finger matcher's
thresholds on real and simulated prints (`devices.synth`). A station runs none of this: the runtime
`kiosk.quality` reads the fitted model and thresholds they wrote, and never imports them.
"""
