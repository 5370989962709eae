"""Reactions to a change of a workspace's settings that must happen in the same transaction.

Domain events are dispatched after commit; some consumers must instead stay consistent with the
change itself (analytics re-times the beat schedules of its reports when the time zone moves).
A higher app registers a callback in its `AppConfig.ready()`; this app never imports it:

    from apps.workspaces.hooks import on_settings_changed

    @on_settings_changed
    def follow_time_zone(*, workspace, changes): ...
"""

from __future__ import annotations

from collections.abc import Callable

SettingsHook = Callable[..., None]

_settings_hooks: list[SettingsHook] = []


def on_settings_changed(func: SettingsHook) -> SettingsHook:
    """Decorator: call `func(workspace=..., changes=...)` inside the transaction of every settings
    change; `changes` maps each changed field to `{"old": ..., "new": ...}`. Registering the same
    function twice keeps one registration. An exception rolls the whole change back."""
    if func not in _settings_hooks:
        _settings_hooks.append(func)
    return func


def settings_changed(*, workspace, changes: dict) -> None:
    """Run the registered hooks (called by `workspace_settings_update` after saving)."""
    for hook in list(_settings_hooks):
        hook(workspace=workspace, changes=changes)
