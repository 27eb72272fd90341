"""The one way netanalysis compiles a kernel: numba, cached on disk; and the
one way a kernel gets a serial and a parallel build (:class:`DualKernel`).

A cached kernel costs a new process (every CLI run) no compilation. Where
numba finds no place to write its cache (a read-only installation and a
read-only home), the kernel is compiled in memory instead of failing.

Kinds of kernel
---------------
Each kind has one work threshold (below it the serial build runs: waking
the thread pool costs more than it saves, above all on a busy machine where
a worker may wait a whole time slice) and, where the work is split into
chunks with their own accumulators, one chunk count. The chunk count never
depends on the number of threads, so partial sums are added in the same
order, and results are the same bytes, for any number of threads.

* :data:`SEARCHES`: one graph search per item (betweenness, closeness and
  sampled paths in ``measures/_traversal.py``; the key-player kernels in
  ``keyplayers/_kpp_kernels.py``). Work: items times (edges + nodes).
* :data:`SPARSE_PRODUCTS`: one pass over a sparse matrix per call
  (PageRank, eigenvector, Katz, HITS sweeps). Bound by memory and gather
  latency: on the 2-core shared reference machine a second thread never
  paid at 10^6 entries (2.9 ms parallel against 2.5 ms serial per PageRank
  sweep; 7 ms when the other core was busy). Rows are written
  independently; their sums are taken serially after the parallel loop, in
  row order, so no chunks are needed.
* :data:`TRIANGLES`: the triangle sums (clustering, structural holes),
  compute-bound; an ``(chunks, 4, n)`` accumulator, so the chunk count is
  kept small. Below the threshold one chunk.
"""
from __future__ import annotations

import types
from dataclasses import dataclass

import numba

__all__ = ["jit", "DualKernel", "dual_kernel", "KernelKind", "SEARCHES", "SPARSE_PRODUCTS",
           "TRIANGLES"]


def jit(parallel: bool = False, inline: bool = False):
    """Decorator: ``numba.njit(cache=True, parallel=parallel, nogil=True)``,
    without the cache where none can be had.

    ``inline=True`` makes a small helper that numba inlines into every
    compiled caller (``inline="always"``). Called from another module without
    it, a helper is a real call that LLVM does not inline: a per-row helper
    of the sparse products ran seven times slower that way.

    Do not decorate one Python function twice (say with and without
    ``parallel``): numba names a cache entry after the function's qualified
    name and signature, not its options, so both dispatchers would load
    whichever build was cached first. :class:`DualKernel` is the way to
    have both.
    """
    options = {"inline": "always"} if inline else {}

    def decorate(func):
        try:
            return numba.njit(cache=True, parallel=parallel, nogil=True, **options)(func)
        except RuntimeError:  # no cache locator: read-only tree and home
            return numba.njit(cache=False, parallel=parallel, nogil=True, **options)(func)

    return decorate


@dataclass(frozen=True)
class KernelKind:
    """What kernels of one kind share: ``min_work``, the work from which the
    parallel build runs, and ``chunks``, the number of chunks their work is
    split into (0: not chunked)."""

    name: str
    min_work: int
    chunks: int = 0

    def n_chunks(self, n_items: int) -> int:
        """Chunks for ``n_items`` items: ``min(n_items, chunks)``, at least 1;
        never a function of the number of threads."""
        return max(1, min(int(n_items), self.chunks))


SEARCHES = KernelKind("searches", min_work=4_000_000, chunks=16)
SPARSE_PRODUCTS = KernelKind("sparse products", min_work=4_000_000)
TRIANGLES = KernelKind("triangles", min_work=200_000, chunks=8)


class DualKernel:
    """A kernel compiled twice from one source: serially (``prange`` runs as
    ``range``) and in parallel; calling it as ``kernel(work, *args)`` runs
    the parallel build when ``work >= min_work`` and numba has more than one
    thread, the serial one otherwise.

    The serial build is compiled from a renamed copy of the function
    (qualified name ``<name>_serial``): numba keys its cache by qualified
    name and signature, not by the ``parallel`` option, so two builds of
    the same function would share one cache entry and, with a warm cache,
    both load the same machine code. A kernel written for this class must
    give the same bytes either way (fixed chunks, no ``prange`` reduction).
    """

    def __init__(self, py_func, min_work: int | None = None, *, kind: KernelKind | None = None):
        if min_work is None:
            min_work = (kind or SPARSE_PRODUCTS).min_work
        self.kind = kind
        self.min_work = min_work
        self.py_func = py_func
        self.parallel = jit(parallel=True)(py_func)
        clone = types.FunctionType(py_func.__code__, py_func.__globals__,
                                   py_func.__name__ + "_serial", py_func.__defaults__,
                                   py_func.__closure__)
        clone.__qualname__ = py_func.__qualname__ + "_serial"
        clone.__module__ = py_func.__module__
        clone.__doc__ = py_func.__doc__
        self.serial = jit()(clone)
        self.__doc__ = py_func.__doc__
        self.__name__ = py_func.__name__
        self.__qualname__ = py_func.__qualname__
        self.__module__ = py_func.__module__

    def use_parallel(self, work) -> bool:
        return work >= self.min_work and numba.get_num_threads() > 1

    def __call__(self, work, *args):
        kernel = self.parallel if self.use_parallel(work) else self.serial
        return kernel(*args)

    def __repr__(self) -> str:
        return f"<DualKernel {self.__module__}.{self.__qualname__} min_work={self.min_work}>"


def dual_kernel(py_func=None, *, min_work: int | None = None, kind: KernelKind | None = None):
    """Decorator making a :class:`DualKernel` (``@dual_kernel``,
    ``@dual_kernel(kind=SEARCHES)`` or ``@dual_kernel(min_work=...)``); the
    threshold defaults to the kind's (sparse products when no kind is
    given)."""
    if py_func is None:
        return lambda f: DualKernel(f, min_work, kind=kind)
    return DualKernel(py_func, min_work, kind=kind)
