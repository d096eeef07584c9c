"""The enrolment kiosk's domain: everything but the screens and the devices.

Nothing under this package imports Qt; the `ui` package binds widgets to these objects.
"""

from importlib import metadata

try:
    __version__ = metadata.version("kiosk")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
