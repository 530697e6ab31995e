"""The public site (namespace ``portal``): applications and their tracking, the catalogue."""
