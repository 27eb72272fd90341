"""The heavy computations on a Dask cluster: ``with na.distributed(client):``.

Inside the block, unchanged calls send their independent pieces of work to
the cluster of a ``dask.distributed`` client and combine the results in the
order of the pieces, never in the order they finish, so that results are the
same bytes as in one process, whatever the number of workers:

* exact betweenness, closeness and harmonic (the centrality panel, the
  measures, and whatever calls them): the sources of the path kernel's
  fixed chunks as tasks, one chunk's sources each, run by the same kernel
  (``measures/_traversal.py``) on CSR arrays scattered to every worker once
  per computation; the chunks' sums are stacked in chunk order and added as
  in one process;
* approximate betweenness: the pairs and random streams drawn in the client
  from the seed, as in one process, and sampled in batches on the workers
  (integer counts, so their sum does not depend on the batches);
* key-player sets: the random restarts, and the scoring of candidates for
  distance-weighted fragmentation (sources in batches) and reach (candidates
  in batches);
* disruption: each strategy and each random repeat;
* stability: each resample.

Fine-grained work (a path kernel call, a sample batch, one scoring call) is
sent only when it reaches ``min_work`` units (the threshold of the kernels'
parallel builds by default, ``_numba.SEARCHES``: items times edges plus
nodes); below it, the round trip to the scheduler costs more than the work
and it runs in the calling process, which gives the same bytes. Coarse
pieces (a restart, a strategy, a repeat, a resample) always go.

Dask is an optional dependency (``pip install 'netanalysis[distributed]'``);
this module imports it only when a cluster is used, and ``import
netanalysis`` never does.

The module is itself callable: ``na.distributed(client)`` is
:func:`use`, ``na.distributed.cluster(workers=4)`` starts a local cluster
(what ``netanalysis analyze --workers`` calls).
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

__all__ = ["use", "cluster", "active", "Session"]

_INSTALL_HINT = ("the Dask backend needs dask.distributed: "
                 "pip install 'netanalysis[distributed]'")


def _import_distributed():
    try:
        import distributed as dd
    except ImportError as exc:  # pragma: no cover - exercised without dask
        raise ImportError(_INSTALL_HINT) from exc
    return dd


@dataclass(eq=False)
class Session:
    """The cluster the computations of a :func:`use` block run on.

    Attributes
    ----------
    client : distributed.Client
    min_work : int
        Fine-grained work below this many units runs in the calling process.
    """

    client: Any
    min_work: int
    # objects scattered in this block, by identity: (object, future); the
    # object is kept so that its id is not reused while the entry lives
    _shared: dict[int, tuple[Any, Any]] = field(default_factory=dict, repr=False)

    def threads(self) -> int:
        """Worker threads of the cluster now (at least 1)."""
        info = self.client.scheduler_info(n_workers=-1) if _takes_n_workers(self.client) \
            else self.client.scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def scatter(self, obj: Any) -> Any:
        """``obj`` sent to every worker (a future): the graph arrays travel to
        each worker once however many tasks use them, and a worker that is
        lost and replaced fetches them from another."""
        # a list of one: scatter ships the object whole, not its items
        return self.client.scatter([obj], broadcast=True, hash=False)[0]

    def share(self, obj: Any) -> Any:
        """:meth:`scatter`, once per block for the same object (a graph
        structure scored many times by a search)."""
        entry = self._shared.get(id(obj))
        if entry is None or entry[0] is not obj:
            entry = self._shared[id(obj)] = (obj, self.scatter(obj))
        return entry[1]

    def map(self, func: Callable, pieces: Sequence, *shared: Any) -> list:
        """``[func(piece, *shared) for piece in pieces]`` on the cluster, in
        the order of ``pieces``. ``shared`` are futures from :meth:`share`
        (or small arguments). A worker lost while running a piece is
        replaced by Dask and the piece run again; the result is the same."""
        futures = [self.client.submit(func, piece, *shared, pure=False) for piece in pieces]
        try:
            return self.client.gather(futures)
        except BaseException:
            self.client.cancel(futures)
            raise

    def batches(self, n_items: int) -> list[slice]:
        """``n_items`` split into consecutive slices, a few per worker
        thread (for load balance; used only where the combined result does
        not depend on the split)."""
        if n_items <= 0:
            return []
        count = max(1, min(n_items, 4 * self.threads()))
        bounds = [n_items * i // count for i in range(count + 1)]
        return [slice(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]

    def wants(self, work: float) -> bool:
        """Whether fine-grained work of this size goes to the cluster."""
        return work >= self.min_work


def _takes_n_workers(client) -> bool:
    import inspect

    try:
        return "n_workers" in inspect.signature(client.scheduler_info).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return False


_ACTIVE: contextvars.ContextVar[Session | None] = contextvars.ContextVar(
    "netanalysis_distributed", default=None)


def active() -> Session | None:
    """The :class:`Session` of the innermost :func:`use` block of this
    thread or task, or None outside one (and always on the workers, so
    that work sent there runs in their process)."""
    return _ACTIVE.get()


@contextlib.contextmanager
def use(client=None, *, min_work: int | None = None) -> Iterator[Session]:
    """Run the heavy computations of the block on a Dask cluster.

    ``with na.distributed(client):`` is the same call. Inside the block,
    exact betweenness, closeness and harmonic (also in the centrality panel
    and everything built on it), approximate betweenness, key-player sets,
    disruption and stability send their independent pieces to the cluster;
    results are the same bytes as without the block, whatever the number of
    workers (see the module notes and ``docs/distributed.md``).

    Parameters
    ----------
    client : distributed.Client, optional
        The cluster's client; by default the current one
        (``distributed.default_client()``).
    min_work : int, optional
        Fine-grained work (one path kernel call, one sample batch, one
        scoring call) below this many units (items times edges plus nodes)
        runs in the calling process. Default: the threshold of the kernels'
        parallel builds, 4,000,000; 0 sends everything.

    Yields
    ------
    Session
        The client and the threshold.

    Raises
    ------
    ImportError
        dask.distributed is not installed.
    ValueError
        No client is given and none is current.

    Examples
    --------
    >>> from distributed import Client, LocalCluster   # doctest: +SKIP
    >>> with LocalCluster(n_workers=2, threads_per_worker=1) as lc, Client(lc) as client:
    ...     with na.distributed(client):
    ...         bc = na.betweenness(graph)                 # doctest: +SKIP
    """
    dd = _import_distributed()
    if client is None:
        try:
            client = dd.default_client()
        except ValueError as exc:
            raise ValueError("no Dask client: pass one, or create one first "
                             "(distributed.Client(...))") from exc
    if min_work is None:
        from ._numba import SEARCHES

        min_work = SEARCHES.min_work
    if min_work < 0:
        raise ValueError(f"min_work must be at least 0, not {min_work!r}")
    _route_path_kernel()
    session = Session(client, int(min_work))
    token = _ACTIVE.set(session)
    try:
        yield session
    finally:
        _ACTIVE.reset(token)
        futures = [f for _, f in session._shared.values()]
        session._shared.clear()
        if futures:
            with contextlib.suppress(Exception):  # a closed client has released them
                client.cancel(futures)


@contextlib.contextmanager
def cluster(workers: int | None = None, scheduler: str | None = None, *,
            threads_per_worker: int = 1, min_work: int | None = None,
            memory_limit: str | float | None = "auto") -> Iterator[Session | None]:
    """A cluster for the block, as the command line's ``--workers N`` and
    ``--scheduler ADDRESS`` ask for: everything inside runs as in
    :func:`use`.

    Parameters
    ----------
    workers : int, optional
        With more than one (and no ``scheduler``): start a local cluster of
        that many worker processes on this machine (loopback only, no
        dashboard), closed at the end of the block. None, 0 or 1 without
        ``scheduler``: no cluster; the block runs in this process and yields
        None (so that ``--workers 1`` needs no Dask).
    scheduler : str, optional
        The address of a running scheduler (``tcp://host:8786``) to connect
        to instead; the cluster stays up after the block.
    threads_per_worker : int, default 1
        Threads of each local worker; numba's kernels in a worker use as
        many (``NUMBA_NUM_THREADS``), so that N workers use N cores.
    min_work : int, optional
        See :func:`use`.
    memory_limit : str, float or None, default "auto"
        Per local worker, as ``distributed.LocalCluster`` takes it ("auto":
        the machine's memory shared among the workers).

    Yields
    ------
    Session or None
        The session of the block, None when it runs in this process.

    Examples
    --------
    >>> with na.distributed.cluster(workers=4):       # doctest: +SKIP
    ...     na.analyze("forum/", "out/")
    """
    if scheduler is None and (workers is None or int(workers) <= 1):
        if workers is not None and int(workers) < 0:
            raise ValueError(f"workers must be at least 0, not {workers!r}")
        yield None
        return
    dd = _import_distributed()
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            client = stack.enter_context(dd.Client(scheduler, set_as_default=False))
        else:
            lc = stack.enter_context(dd.LocalCluster(
                n_workers=int(workers), threads_per_worker=int(threads_per_worker),
                processes=True, host="127.0.0.1", dashboard_address=None,
                # the scheduler's HTTP routes on a free loopback port, not
                # 8787 (taken by any other cluster on the machine)
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                memory_limit=memory_limit,
                env={"NUMBA_NUM_THREADS": str(int(threads_per_worker))}))
            client = stack.enter_context(dd.Client(lc, set_as_default=False))
        yield stack.enter_context(use(client, min_work=min_work))


# ---------------------------------------------------------------------------
# exact path measures: the path kernel's chunks as tasks
#
# Every exact betweenness, closeness and harmonic computation goes through one
# driver, measures._traversal.path_sums (called by measures._paths._run): the
# sources split into SEARCHES.n_chunks(len(sources)) chunks, chunk c taking
# sources c, c + n_chunks, ... into its own row of sums, the rows added in
# chunk order. A chunk is therefore the finest piece whose result does not
# change the bytes: each task runs one chunk's sources, in order, as a
# one-chunk call of the same kernel, and the rows are stacked in chunk order
# and added as path_sums adds them. The driver is wrapped once (when the first
# block opens) by a function that sends the work to the session of the current
# block and calls the original everywhere else.


def _route_path_kernel() -> None:
    from .measures import _traversal

    if getattr(_traversal.path_sums, "_netanalysis_routed", False):
        return
    original = _traversal.path_sums

    @functools.wraps(original)
    def path_sums(indptr, indices, lengths, weighted, sources, src_weight, tgt_weight,
                  *, bc, dist, reach, rindptr=None, rindices=None):
        session = _ACTIVE.get()
        work = len(sources) * (indices.shape[0] + indptr.shape[0] - 1)
        if session is None or not session.wants(work) or len(sources) < 2:
            return original(indptr, indices, lengths, weighted, sources, src_weight,
                            tgt_weight, bc=bc, dist=dist, reach=reach, rindptr=rindptr,
                            rindices=rindices)
        return _path_sums_on(session, indptr, indices, lengths, weighted, sources, src_weight,
                             tgt_weight, bc=bc, dist=dist, reach=reach, rindptr=rindptr,
                             rindices=rindices)

    path_sums._netanalysis_routed = True
    path_sums._netanalysis_original = original
    _traversal.path_sums = path_sums


def _path_chunk_task(chunk, graph, flags):
    """One chunk of ``path_sums`` on a worker: ``chunk = (sources of the
    chunk in order)``; returns its rows (1-d) and its ``out_reach``."""
    import numpy as np

    from .measures import _traversal as _k

    indptr, indices, lengths, weighted, src_weight, tgt_weight, rindptr, rindices = graph
    bc, dist, reach = flags
    n = indptr.shape[0] - 1
    bc_part = np.zeros((1, n if bc else 0))
    dist_parts = [np.zeros((1, n if dist else 0)) for _ in range(3)]
    inr_part = np.zeros((1, n if reach else 0))
    out_reach = np.zeros(n if reach else 0)
    # work 0: the serial build; one chunk is one thread's work in one process
    _k._path_kernel(0, 1, indptr, indices, lengths, weighted, chunk, src_weight, tgt_weight,
                    bc_part, *dist_parts, inr_part, out_reach, rindptr, rindices)
    return [part[0] for part in (bc_part, *dist_parts, inr_part)], out_reach


def _path_sums_on(session: Session, indptr, indices, lengths, weighted, sources, src_weight,
                  tgt_weight, *, bc, dist, reach, rindptr=None, rindices=None):
    """``path_sums`` with its chunks as tasks (same arguments, same bytes)."""
    import numpy as np

    from ._numba import SEARCHES

    if rindptr is None:
        rindptr = rindices = indptr[:0]
    n = indptr.shape[0] - 1
    n_chunks = SEARCHES.n_chunks(len(sources))
    # the arrays of this call only: released when the future is dropped
    graph = session.scatter((indptr, indices, lengths, weighted, src_weight, tgt_weight,
                             rindptr, rindices))
    chunks = [np.ascontiguousarray(sources[c::n_chunks]) for c in range(n_chunks)]
    results = session.map(_path_chunk_task, chunks, graph, (bool(bc), bool(dist), bool(reach)))
    sums = []
    for measure in range(5):
        rows = np.stack([rows_of[measure] for rows_of, _ in results])
        sums.append(rows.sum(axis=0))  # chunk order, as path_sums adds its rows
    out_reach = np.zeros(n if reach else 0)
    if reach:
        for chunk, (_, part) in zip(chunks, results):
            out_reach[chunk] = part[chunk]
    return (*sums, out_reach)


# ---------------------------------------------------------------------------
# the module is callable: na.distributed(client) is use(client)


class _CallableModule(types.ModuleType):
    def __call__(self, client=None, *, min_work: int | None = None):
        """``with na.distributed(client):``: see :func:`use`."""
        return use(client, min_work=min_work)


sys.modules[__name__].__class__ = _CallableModule
# The name na.distributed resolves to (netanalysis/__init__.py) is this module
# itself, so that it is one object whether the lazy name or ``import
# netanalysis.distributed`` came first.
distributed = sys.modules[__name__]
