"""Demo data of module 6: comment threads with mentions (by @username and by id) on the demo
tasks. Idempotent."""

from apps.collaboration import services
from apps.collaboration.models import Comment

# (task title, author key, text, mentioned user keys, reply by, reply text)
THREADS = [
    (
        "Design onboarding screens",
        "admin",
        "@{member} the permissions screen needs the new illustration.",
        [],
        "member",
        "On it, I'll upload it today.",
    ),
    (
        "Implement login flow",
        "member",
        "MFA step is ready for review.",
        ["admin"],
        "admin",
        "Reviewed, two small remarks in the PR.",
    ),
    (
        "Push notification service",
        "admin",
        "Blocked until the vendor contract is signed, @{owner} FYI.",
        [],
        None,
        None,
    ),
]


def seed(ctx: dict) -> None:
    users = ctx["users"]
    names = {key: user.username for key, user in users.items()}
    for task in ctx.get("tasks", []):
        if task.project.visibility == "private":
            continue
        for title, author, text, mention_keys, reply_by, reply_text in THREADS:
            if task.title != title:
                continue
            content = text.format(**names)
            comment = Comment.objects.filter(task=task, content=content).first()
            if comment is None:
                comment = services.comment_create(
                    actor=users[author],
                    task=task,
                    content=content,
                    mention_ids=[users[key].pk for key in mention_keys],
                )
            if reply_by and not Comment.objects.filter(task=task, parent=comment).exists():
                services.comment_create(actor=users[reply_by], task=task, content=reply_text, parent=comment)
