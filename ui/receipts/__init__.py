"""The receipt on paper: what its QR code carries (`code`), how it is laid out and drawn (`pdf`)."""
