import factory

from apps.collaboration.models import Comment, Mention
from tests.factories.tasks import TaskFactory


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on `task`, written by the task's creator unless `author=` is given."""

    class Meta:
        model = Comment

    task = factory.SubFactory(TaskFactory)
    workspace = factory.LazyAttribute(lambda o: o.task.workspace)
    author = factory.LazyAttribute(lambda o: o.task.created_by)
    content = factory.Sequence(lambda n: f"Comment number {n}")


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    comment = factory.SubFactory(CommentFactory)
    workspace = factory.LazyAttribute(lambda o: o.comment.workspace)
    user = factory.SubFactory("tests.factories.accounts.UserFactory")
