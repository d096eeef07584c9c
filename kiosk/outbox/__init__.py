"""The durable outbox: sealed packets only, delivered exactly once, purged after a verified receipt."""
