"""Provincial federation: the organisation tree, who may read what, roll-ups."""
