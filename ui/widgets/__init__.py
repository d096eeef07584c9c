"""Widgets the screens share: the station bar, the hands diagram, the preview, dialogs."""
