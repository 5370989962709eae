"""Webhook signing, target checks and HTTP delivery (delivery.py), and the event handler that
turns domain events into deliveries (handlers.py)."""
