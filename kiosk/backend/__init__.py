"""The reference backend: a real server implementing the whole v1 contract (FastAPI, uvicorn, SQLite).

Used by the demo, the tests, and integrators as the executable specification of the contract.
"""
