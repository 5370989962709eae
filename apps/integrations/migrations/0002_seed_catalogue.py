"""Seed the OAuth provider catalogue and the plugin marketplace. Staff manage both in the admin
afterwards; re-running never overwrites their edits (get_or_create by slug)."""

from django.db import migrations

OAUTH_APPS = [
    {
        "provider_name": "github",
        "display_name": "GitHub",
        "description": "Connect your GitHub account to sync repositories and pull requests",
        "authorize_url": "https://github.com/login/oauth/authorize",
        "token_url": "https://github.com/login/oauth/access_token",
        "scopes": ["repo", "user"],
        "icon_url": "https://github.githubassets.com/favicons/favicon.svg",
        "documentation_url": "https://docs.github.com/en/apps/oauth-apps",
    },
    {
        "provider_name": "gitlab",
        "display_name": "GitLab",
        "description": "Link merge requests and issues of your GitLab projects to tasks",
        "authorize_url": "https://gitlab.com/oauth/authorize",
        "token_url": "https://gitlab.com/oauth/token",
        "scopes": ["read_api", "read_user"],
        "icon_url": "https://gitlab.com/favicon.ico",
        "documentation_url": "https://docs.gitlab.com/ee/api/oauth2.html",
    },
    {
        "provider_name": "google_calendar",
        "display_name": "Google Calendar",
        "description": "Show task due dates and milestones in your Google Calendar",
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "token_url": "https://oauth2.googleapis.com/token",
        "scopes": ["calendar"],
        "icon_url": "https://calendar.google.com/googlecalendar/images/favicons_2020q4/calendar_31.ico",
        "documentation_url": "https://developers.google.com/calendar/api/guides/auth",
    },
    {
        "provider_name": "slack",
        "display_name": "Slack",
        "description": "Post task and project updates to Slack channels",
        "authorize_url": "https://slack.com/oauth/v2/authorize",
        "token_url": "https://slack.com/api/oauth.v2.access",
        "scopes": ["chat:write", "channels:read"],
        "icon_url": "https://a.slack-edge.com/80588/marketing/img/meta/favicon-32.png",
        "documentation_url": "https://api.slack.com/authentication/oauth-v2",
    },
    {
        "provider_name": "microsoft_teams",
        "display_name": "Microsoft Teams",
        "description": "Send PronaFlow notifications to Microsoft Teams channels",
        "authorize_url": "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        "token_url": "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        "scopes": ["ChannelMessage.Send", "User.Read"],
        "icon_url": "https://statics.teams.cdn.office.net/hashed/favicon/prod/favicon-32x32-c0ab1ad.png",
        "documentation_url": "https://learn.microsoft.com/en-us/graph/auth-v2-user",
    },
]

PLUGINS = [
    {
        "slug": "markdown-editor",
        "name": "Markdown Editor",
        "version": "2.1.0",
        "author": "PronaFlow Labs",
        "description": "Full-featured Markdown editor with live preview",
        "category": "editor",
        "is_verified": True,
        "rating": "4.70",
        "rating_count": 340,
        "manifest": {
            "hooks": ["task:editor"],
            "permissions": ["read:tasks", "write:tasks"],
            "config_schema": {
                "type": "object",
                "properties": {
                    "toolbar": {"type": "string", "enum": ["full", "minimal"]},
                    "theme": {"type": "string", "enum": ["light", "dark"]},
                },
                "additionalProperties": False,
            },
        },
    },
    {
        "slug": "time-tracker",
        "name": "Time Tracker",
        "version": "1.4.2",
        "author": "Clockwork Tools",
        "description": "Start and stop timers on tasks and compare logged hours with estimates",
        "category": "productivity",
        "is_verified": True,
        "rating": "4.50",
        "rating_count": 212,
        "manifest": {
            "hooks": ["task:sidebar", "report:column"],
            "permissions": ["read:tasks", "write:tasks", "read:reports"],
            "config_schema": {
                "type": "object",
                "properties": {
                    "rounding_minutes": {"type": "integer", "minimum": 1, "maximum": 60},
                    "billable_by_default": {"type": "boolean"},
                },
                "additionalProperties": False,
            },
        },
    },
    {
        "slug": "standup-digest",
        "name": "Standup Digest",
        "version": "0.9.0",
        "author": "Morning Crew",
        "description": "A daily summary of yesterday's completed tasks and today's due ones",
        "category": "communication",
        "is_verified": False,
        "rating": "4.10",
        "rating_count": 58,
        "manifest": {
            "hooks": ["workspace:digest"],
            "permissions": ["read:tasks", "read:projects"],
            "config_schema": {
                "type": "object",
                "required": ["send_at"],
                "properties": {"send_at": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}},
            },
        },
    },
    {
        "slug": "burndown-plus",
        "name": "Burndown Plus",
        "version": "3.0.1",
        "author": "Chart Makers",
        "description": "Burndown and cumulative-flow charts with forecast bands",
        "category": "reporting",
        "is_verified": True,
        "rating": "4.80",
        "rating_count": 127,
        "manifest": {"hooks": ["project:dashboard"], "permissions": ["read:projects", "read:reports"]},
    },
]


def seed(apps, schema_editor):
    OAuthApp = apps.get_model("integrations", "OAuthApp")
    Plugin = apps.get_model("integrations", "Plugin")
    for data in OAUTH_APPS:
        OAuthApp.objects.get_or_create(provider_name=data["provider_name"], defaults=data)
    for data in PLUGINS:
        Plugin.objects.get_or_create(slug=data["slug"], defaults=data)


def unseed(apps, schema_editor):
    apps.get_model("integrations", "OAuthApp").objects.filter(
        provider_name__in=[d["provider_name"] for d in OAUTH_APPS], connections__isnull=True
    ).delete()
    apps.get_model("integrations", "Plugin").objects.filter(
        slug__in=[d["slug"] for d in PLUGINS], installations__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("integrations", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
