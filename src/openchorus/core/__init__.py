"""Core: what every app shares (errors, base model, e-mail delivery, system checks)."""
