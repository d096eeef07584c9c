"""Benchmark providers of each area, registered in the `kiosk.benchmarks` entry-point group."""
