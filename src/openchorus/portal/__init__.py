"""The web portal (Portail): HTML adapters over the domain services, one module per space."""
