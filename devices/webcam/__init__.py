"""Webcams through OpenCV: enumeration per platform (`sources`) and the driver (`opencv_camera`)."""
