"""Where the heavy stages run: worker processes on this machine, or a Dask cluster.

``analyze`` cuts its work into tasks that are plain functions of plain data
(:mod:`walkaway.engine.tasks`): parse + clean a chunk of raw messages, read the language of a
batch of texts, score a chunk of prospects. An engine runs them and hands back the results
**in submission order**, so what comes out never depends on which engine ran it, how many
workers it had, or in which order they finished.

- :class:`LocalEngine` (``--engine local``, the default): a pool of ``jobs`` worker
  processes started on first use and kept for the whole run (each loads the language
  models once). With ``jobs=1``, or for work too small to be worth a process, tasks run
  in this process.
- :class:`DaskEngine` (``--engine dask --scheduler tcp://host:8786``): the same tasks on a
  Dask distributed cluster. The client reads the export and ships raw messages to the
  workers, so workers need walkaway installed but no access to the files. Without a
  scheduler address it starts a ``LocalCluster``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol

from walkaway.errors import UsageError

logger = logging.getLogger(__name__)

ENGINES = ("local", "dask")


class TaskHandle(Protocol):
    """What ``submit`` returns: a future-like handle."""

    def result(self) -> Any: ...

    def done(self) -> bool: ...


class _Done:
    """The handle of a task that already ran in this process."""

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value

    def done(self) -> bool:
        return True


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class Engine:
    """Runs tasks; see the module docstring. Use as a context manager, or call ``close``."""

    name = "engine"

    @property
    def workers(self) -> int:
        """How many tasks can run at once."""
        raise NotImplementedError

    def submit(self, fn: Callable[..., Any], *args: Any, inline: bool = False) -> TaskHandle:
        """Start ``fn(*args)``; with ``inline`` (work too small to ship) run it right here."""
        raise NotImplementedError

    def warm(self, fn: Callable[[], Any]) -> None:
        """Have each running worker call ``fn`` (say, load its models) while this process
        does other work; never waits. Engines without workers of their own do nothing."""

    def close(self) -> None:
        """Stop the workers this engine started."""

    def cancel(self) -> None:
        """Drop queued tasks and stop at once (after an interrupt or an error)."""
        self.close()

    def describe(self) -> dict[str, object]:
        """What ran the work, for summary.json."""
        return {"engine": self.name, "workers": self.workers}

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is not None:
            self.cancel()
        else:
            self.close()


def _worker_setup() -> None:
    # Ctrl-C goes to the whole process group: the main process stops the pool cleanly, a
    # worker dying half-way through a task would only print a second traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalEngine(Engine):
    """Worker processes on this machine (``jobs`` of them; 1 = everything in-process)."""

    name = "local"

    def __init__(self, jobs: int | None = None) -> None:
        if jobs is not None and jobs < 1:
            raise UsageError(f"--jobs must be at least 1, got {jobs}")
        self.jobs = jobs or default_jobs()
        self._pool: ProcessPoolExecutor | None = None

    @property
    def workers(self) -> int:
        return self.jobs

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: workers start from a clean, single-threaded server process that has
            # imported the task module once, not from a copy of this (possibly large,
            # possibly multi-threaded) process.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["walkaway.engine.tasks"])
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=context, initializer=_worker_setup
            )
        return self._pool

    def submit(self, fn: Callable[..., Any], *args: Any, inline: bool = False) -> TaskHandle:
        if inline or self.jobs <= 1:
            return _Done(fn(*args))
        future: Future[Any] = self._executor().submit(fn, *args)
        return future

    def warm(self, fn: Callable[[], Any]) -> None:
        # Only a pool that already runs: starting workers just to warm them would cost more
        # than it saves on work too small to have started them. One call per worker (an idle
        # worker takes the next queued call); ``fn`` is expected to be cheap to repeat.
        if self._pool is not None:
            for _ in range(self.jobs):
                self._pool.submit(fn)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def cancel(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            # Queued tasks are dropped; running ones are stopped with their processes.
            processes = list(getattr(pool, "_processes", {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.terminate()


class DaskEngine(Engine):
    """The tasks on a Dask distributed cluster (``scheduler`` address, or a local cluster)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, jobs: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise UsageError("--engine dask needs Dask: pip install 'walkaway[dask]'") from error
        self._cluster = None
        if scheduler in (None, "", "local"):
            self._cluster = LocalCluster(
                n_workers=jobs or default_jobs(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self.client = Client(self._cluster)
            self.scheduler = "local"
        else:
            try:
                self.client = Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as error:
                raise UsageError(
                    f"--scheduler {scheduler}: cannot reach the Dask scheduler ({error})"
                ) from error
            self.scheduler = str(scheduler)

    @property
    def workers(self) -> int:
        threads = self.client.nthreads()
        return max(1, sum(threads.values()))

    def submit(self, fn: Callable[..., Any], *args: Any, inline: bool = False) -> TaskHandle:
        # Always on the cluster: ``inline`` is a local optimisation only. ``pure=False``:
        # a task is never merged with an equal one submitted earlier (results are consumed
        # and released in order).
        handle: TaskHandle = self.client.submit(fn, *args, pure=False)
        return handle

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def describe(self) -> dict[str, object]:
        return {"engine": self.name, "workers": self.workers, "scheduler": self.scheduler}


def make_engine(
    engine: str | Engine | None = None, *, jobs: int | None = None, scheduler: str | None = None
) -> Engine:
    """An engine by name (``local`` or ``dask``), or ``engine`` itself when given one."""
    if isinstance(engine, Engine):
        return engine
    name = check_engine_options(engine, jobs=jobs, scheduler=scheduler)
    if name == "local":
        return LocalEngine(jobs)
    return DaskEngine(scheduler, jobs)


def check_engine_options(
    engine: str | None = None, *, jobs: int | None = None, scheduler: str | None = None
) -> str:
    """The engine name, after checking the options fit together (without starting anything).

    Raises:
        walkaway.errors.UsageError: an unknown engine, ``jobs`` below 1, or a scheduler
            address for the local engine.
    """
    name = (engine or "local").lower()
    if name not in ENGINES:
        raise UsageError(f"--engine {engine}: choose one of {', '.join(ENGINES)}")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if name == "local" and scheduler:
        raise UsageError("--scheduler needs --engine dask")
    return name


__all__ = [
    "ENGINES",
    "DaskEngine",
    "Engine",
    "LocalEngine",
    "TaskHandle",
    "check_engine_options",
    "default_jobs",
    "make_engine",
]
