from tests.notification_world import fire, world  # noqa: F401  (shared fixtures)
