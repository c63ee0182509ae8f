"""Command-line entry points of the e-invoice library, wired into the `openchorus` command."""
