"""Demo preferences: the member works in Vietnamese from Ho Chi Minh City with the dark theme."""

from apps.personalization.services import preference_update


def seed(ctx) -> None:
    users = ctx.get("users") or {}
    if "member" in users:
        preference_update(
            actor=users["member"],
            data={
                "theme_id": "dark",
                "language_id": "vi-VN",
                "timezone": "Asia/Ho_Chi_Minh",
                "date_format": "DD/MM/YYYY",
                "accessibility": {"reduced_motion": True},
            },
        )
    if "viewer" in users:
        preference_update(actor=users["viewer"], data={"accessibility": {"wcag_level": "AAA", "high_contrast": True}})
