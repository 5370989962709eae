"""The event handler that turns domain events into webhook deliveries (handlers.py); signing,
target checks and HTTP delivery are apps.core.webhooks, shared with module 7's webhook consumers."""
