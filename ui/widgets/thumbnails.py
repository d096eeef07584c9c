"""Pictures of the person for the screen only: numpy images to small pixmaps, held in memory, never saved.

The pixmap is a scaled copy, detached from the core's array (which the flow wipes once sealed), and the
widget that shows it drops it in `clear()`; the full-size image is never kept by the front.
"""

from __future__ import annotations

import numpy as np

from ui.qt import QImage, QPixmap, QSize, Qt


def grey_pixmap(image: np.ndarray, size: QSize) -> QPixmap:
    """An 8-bit grey image (a fingerprint) scaled to fit `size`."""
    data = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = data.shape[:2]
    qimage = QImage(data.data, width, height, data.strides[0], QImage.Format.Format_Grayscale8)
    return _fit(qimage, size)


def rgb_pixmap(image: np.ndarray, size: QSize) -> QPixmap:
    """An RGB image (the face token) scaled to fit `size`."""
    data = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = data.shape[:2]
    qimage = QImage(data.data, width, height, data.strides[0], QImage.Format.Format_RGB888)
    return _fit(qimage, size)


def _fit(qimage: QImage, size: QSize) -> QPixmap:
    scaled = qimage.scaled(
        size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    return QPixmap.fromImage(scaled.copy())  # a copy: nothing points into the core's array any more
