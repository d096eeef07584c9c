"""The Qt front: screens and widgets bound to `kiosk` objects. The only package that imports Qt."""
