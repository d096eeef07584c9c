"""The station itself: its signing identity (keys.py) and, later, its registration with a backend."""
