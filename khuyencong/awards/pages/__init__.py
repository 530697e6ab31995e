"""Staff pages of the awards (namespace ``awards``)."""
