"""The public directory of public structures (DIR-1..3) and the recipient suggestion (BYD-2)."""
