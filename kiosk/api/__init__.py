"""The backend contract shared by the reference backend and the station's client.

Version 1 lives under `/api/v1`. The committed OpenAPI document (`resources/api/openapi-v1.json`) is
the contract; the reference backend is generated from these models and a test keeps the two equal.
"""

API_PREFIX = "/api/v1"
