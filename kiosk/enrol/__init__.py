"""One enrolment: the capture policy applied finger by finger and to the face, then sealed and queued.

The domain objects here are driven by the Qt screens and by the headless `kiosk enrol --simulated`
alike; neither writes a biometric image anywhere but into a sealed packet.
"""
