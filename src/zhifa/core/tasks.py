"""django-tasks backend that hands tasks to huey.

Services enqueue through the django-tasks interface (`some_task.enqueue(...)`, usually inside
`transaction.on_commit`), so a deployment can swap the runner without touching domain code. huey runs
them: on SQLite in the embedded setup (`manage.py run_huey`, started by `make run`), on Redis when
REDIS_URL is set. Tests use django-tasks' ImmediateBackend.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id
from huey.contrib.djhuey import task as huey_task


@huey_task()
def run_django_task(task_path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    task: Task[Any, Any] = import_string(task_path)
    return task.call(*args, **kwargs)


class HueyBackend(BaseTaskBackend):
    supports_defer = True

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        task_path = f"{task.func.__module__}.{task.func.__name__}"
        eta = task.run_after
        run_django_task.schedule(
            args=(task_path, list(args), dict(kwargs)), eta=eta
        ) if eta else run_django_task(task_path, list(args), dict(kwargs))
        return TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
