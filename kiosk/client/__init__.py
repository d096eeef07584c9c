"""The station's side of the backend contract: a pinned HTTPS client and what it remembers of the backend."""
