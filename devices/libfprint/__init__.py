"""Scanners that Linux supports through libfprint 1.94, reached with PyGObject (the `libfprint` extra).

`reader.LibfprintReader` is the driver; `glib_loop` runs libfprint's asynchronous API in a GLib main
loop (Qt's own when the GUI is running, otherwise a private thread); `binding` loads the typelibs and
maps libfprint's errors; `resolution` holds the per-driver resolution table (libfprint reports none).
"""
