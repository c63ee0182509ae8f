"""Accounts (ACC): users, activation, recovery, preferences, second factor."""
