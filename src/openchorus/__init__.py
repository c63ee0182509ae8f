"""OpenChorus: an open-source, self-hostable implementation of Chorus Pro."""

__version__ = "0.1.0"
