import factory

from apps.tasks.models import Subtask, Task, TaskAssignee, TaskDependency, TaskList
from tests.factories.projects import ProjectFactory


class TaskListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskList

    project = factory.SubFactory(ProjectFactory)
    workspace = factory.LazyAttribute(lambda o: o.project.workspace)
    name = factory.Sequence(lambda n: f"List {n}")
    position = factory.Sequence(lambda n: n)


class TaskFactory(factory.django.DjangoModelFactory):
    """A task of `project`, created by the project's creator, in no list unless `task_list=` is given or
    `with_list=True` (a new list of the same project). `assignees=[user, ...]` assigns users (they must
    be able to see the project)."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    class Params:
        with_list = factory.Trait(
            task_list=factory.SubFactory(TaskListFactory, project=factory.SelfAttribute("..project"))
        )

    project = factory.SubFactory(ProjectFactory)
    workspace = factory.LazyAttribute(lambda o: o.project.workspace)
    title = factory.Sequence(lambda n: f"Task {n}")
    position = factory.Sequence(lambda n: n)
    created_by = factory.LazyAttribute(lambda o: o.project.created_by)

    @factory.post_generation
    def assignees(self, create, extracted, **kwargs):
        if create and extracted:
            assign(self, *extracted)


class SubtaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subtask

    task = factory.SubFactory(TaskFactory)
    title = factory.Sequence(lambda n: f"Step {n}")
    position = factory.Sequence(lambda n: n)


class TaskDependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskDependency

    task = factory.SubFactory(TaskFactory)
    depends_on = factory.SubFactory(TaskFactory, project=factory.SelfAttribute("..task.project"))


def assign(task, *users) -> None:
    """Assign `users` to an existing task (straight through the ORM: no event)."""
    for user in users:
        TaskAssignee.objects.create(task=task, user=user)
