"""The one way netanalysis compiles a kernel: numba, cached on disk.

A cached kernel costs a new process (every CLI run) no compilation. Where
numba finds no place to write its cache (a read-only installation and a
read-only home), the kernel is compiled in memory instead of failing.
"""
from __future__ import annotations

import numba

__all__ = ["jit"]


def jit(parallel: bool = False, inline: bool = False):
    """Decorator: ``numba.njit(cache=True, parallel=parallel, nogil=True)``,
    without the cache where none can be had.

    ``inline=True`` makes a small helper that numba inlines into every
    compiled caller (``inline="always"``). Called from another module without
    it, a helper is a real call that LLVM does not inline: a per-row helper
    of the sparse products ran seven times slower that way.
    """
    options = {"inline": "always"} if inline else {}

    def decorate(func):
        try:
            return numba.njit(cache=True, parallel=parallel, nogil=True, **options)(func)
        except RuntimeError:  # no cache locator: read-only tree and home
            return numba.njit(cache=False, parallel=parallel, nogil=True, **options)(func)

    return decorate
