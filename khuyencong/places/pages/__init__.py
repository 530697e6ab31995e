"""Pages of places (namespace ``places``)."""
