"""The pluggable device layer: driver API, discovery, simulators, real drivers, diagnostics.

It imports neither Qt nor `kiosk`: a vendor's driver package depends on this layer alone.
"""
