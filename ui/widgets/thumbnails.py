"""Pictures of the person for the screen only: numpy images to small pixmaps, held in memory, never saved.

The pixmap is a scaled copy, detached from the core's array (which the flow wipes once sealed), and the
widget that shows it drops it in `clear()`; the full-size image is never kept by the front.
"""

from __future__ import annotations

import numpy as np

from ui.qt import QImage, QPixmap, QSize


def grey_pixmap(image: np.ndarray, size: QSize) -> QPixmap:
    """An 8-bit grey image (a fingerprint) scaled to fit `size`."""
    small = _shrink(image, size)
    height, width = small.shape[:2]
    qimage = QImage(small.data, width, height, small.strides[0], QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimage.copy())  # a copy: nothing points into any array any more


def rgb_pixmap(image: np.ndarray, size: QSize) -> QPixmap:
    """An RGB image (the face token) scaled to fit `size`."""
    small = _shrink(image, size)
    height, width = small.shape[:2]
    qimage = QImage(small.data, width, height, small.strides[0], QImage.Format.Format_RGB888)
    return QPixmap.fromImage(qimage.copy())


def _shrink(image: np.ndarray, size: QSize) -> np.ndarray:
    """Scaled to fit with OpenCV's area filter: a tenth of Qt's smooth scaling's time on the GUI thread
    (ten fingers and a face are drawn at once when the review opens)."""
    import cv2

    data = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = data.shape[:2]
    scale = min(size.width() / width, size.height() / height)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return np.ascontiguousarray(cv2.resize(data, target, interpolation=interpolation))
