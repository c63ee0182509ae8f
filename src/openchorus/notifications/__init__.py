"""Notifications (LIF-7): e-mail and in-app delivery, the event feed, digests."""
