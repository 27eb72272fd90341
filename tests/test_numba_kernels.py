"""The one kernel infrastructure (netanalysis/_numba.py): every serial and
parallel build has its own cache entry, each kind of kernel one threshold
and one chunk count, and results are the same bytes for any number of
threads."""
from __future__ import annotations

import importlib
import importlib.util
import pkgutil

import numba
import numpy as np
import pandas as pd
import pytest
from numba.core.registry import CPUDispatcher

from netanalysis import _numba
from netanalysis._numba import SEARCHES, SPARSE_PRODUCTS, TRIANGLES, DualKernel

KERNEL_PACKAGES = ("netanalysis.measures", "netanalysis.keyplayers", "netanalysis.roles")


def kernel_modules():
    modules = []
    for package in KERNEL_PACKAGES:
        pkg = importlib.import_module(package)
        modules.append(pkg)
        for info in pkgutil.iter_modules(pkg.__path__, package + "."):
            modules.append(importlib.import_module(info.name))
    return modules


def dispatchers_and_dual_kernels():
    """Every compiled function bound at module level in the kernel packages
    (the two builds of a DualKernel included), and the DualKernels."""
    found: dict[int, tuple[str, CPUDispatcher]] = {}
    duals: dict[int, tuple[str, DualKernel]] = {}
    for module in kernel_modules():
        for name, value in vars(module).items():
            where = f"{module.__name__}.{name}"
            if isinstance(value, DualKernel):
                duals.setdefault(id(value), (where, value))
                found.setdefault(id(value.serial), (where + ".serial", value.serial))
                found.setdefault(id(value.parallel), (where + ".parallel", value.parallel))
            elif isinstance(value, CPUDispatcher):
                found.setdefault(id(value), (where, value))
    return list(found.values()), list(duals.values())


def index_path(dispatcher) -> str:
    """The cache index file of a dispatcher (numba's ``IndexDataCacheFile``)."""
    return dispatcher._cache._cache_file._index_path


def test_no_two_builds_share_a_cache_entry():
    """numba names a cache entry (index file) after the function's module,
    qualified name and first line, and keys it by signature only: two
    dispatchers with the same entry (one Python function compiled twice,
    say with and without ``parallel``) load the same machine code once the
    cache is warm."""
    dispatchers, duals = dispatchers_and_dual_kernels()
    assert len(duals) >= 10  # paths, samples, 4 key-player kernels, sparse products, triangles
    entries: dict[tuple, str] = {}
    for where, d in dispatchers:
        cache = d._cache
        assert type(cache).__name__ == "FunctionCache", where
        key = index_path(d)
        assert key not in entries, f"{where} and {entries[key]} share the cache entry {key}"
        entries[key] = where
    for where, dual in duals:
        assert dual.serial.py_func.__qualname__ == dual.py_func.__qualname__ + "_serial", where
        assert dual.parallel.py_func is dual.py_func, where
        assert dual.parallel.targetoptions.get("parallel"), where
        assert not dual.serial.targetoptions.get("parallel"), where
        assert index_path(dual.serial) != index_path(dual.parallel), where


@pytest.mark.filterwarnings("ignore::numba.NumbaPerformanceWarning")
def test_the_check_catches_a_function_compiled_twice(tmp_path):
    """The pattern the test above guards against: two builds of one function
    share one index file."""
    source = tmp_path / "twice_mod.py"
    source.write_text("def f(x):\n    return x + 1\n")
    spec = importlib.util.spec_from_file_location("twice_mod", source)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    a = _numba.jit(parallel=True)(mod.f)
    b = _numba.jit()(mod.f)
    assert index_path(a) == index_path(b)
    dual = DualKernel(mod.f, 0)
    assert index_path(dual.serial) != index_path(dual.parallel)
    assert dual(0, 1) == dual(10**9, 1) == 2


def test_every_parallel_build_is_a_dual_kernel():
    """No module compiles a parallel kernel of its own in measures/ and
    keyplayers/: every one is half of a DualKernel."""
    dispatchers, duals = dispatchers_and_dual_kernels()
    halves = {id(d.parallel) for _, d in duals}
    for where, d in dispatchers:
        if where.startswith(("netanalysis.measures", "netanalysis.keyplayers")):
            if d.targetoptions.get("parallel"):
                assert id(d) in halves, f"{where} is a parallel build outside a DualKernel"


def test_one_threshold_and_one_chunk_count_per_kind():
    _, duals = dispatchers_and_dual_kernels()
    kinds = {}
    for where, dual in duals:
        assert dual.kind is not None, f"{where} has no kind"
        assert dual.min_work == dual.kind.min_work, where
        kinds.setdefault(dual.kind.name, dual.kind)
    assert set(kinds) == {"searches", "sparse products", "triangles"}
    # chunk counts never follow the number of threads
    for kind in (SEARCHES, TRIANGLES):
        assert kind.n_chunks(10**6) == kind.chunks
        assert kind.n_chunks(3) == min(3, kind.chunks)
        assert kind.n_chunks(0) == 1
    assert SPARSE_PRODUCTS.chunks == 0


# ---------------------------------------------------------------------------
# the same bytes for any number of threads


@pytest.fixture(scope="module")
def forum_graph():
    """The reply graph of a synthetic forum B (1,213 members, 8,064 ties)."""
    from netanalysis.graphs import reply_graph
    from synthetic import generate_forum

    forum, _ = generate_forum("forum-b", seed=0)
    return reply_graph(forum)


def _everything(graph):
    """Every kernel-backed result on one graph, as bytes."""
    from netanalysis.keyplayers.disruption import disrupt
    from netanalysis.keyplayers.kpp import key_player_set
    from netanalysis.measures import approximate_betweenness, betweenness, centrality

    out = {}
    panel = centrality(graph)
    out["panel"] = panel
    for distance in ("hops", "inverse"):
        out[f"betweenness {distance}"] = betweenness(graph, distance=distance).to_numpy().tobytes()
    out["betweenness k"] = betweenness(graph, k=50, seed=1, endpoints=True).to_numpy().tobytes()
    out["approximate"] = approximate_betweenness(graph, epsilon=0.05, seed=2).to_numpy().tobytes()
    for objective in ("fragmentation", "distance_fragmentation", "reach"):
        result = key_player_set(graph, 2, objective, seed=3, n_restarts=0)
        out[f"kpp {objective}"] = (tuple(result.members), float(result.value).hex())
    out["disrupt"] = disrupt(graph, ["random", "degree", "betweenness"], steps=[0, 5, 20], seed=4,
                             repeats=3)
    return out


def test_results_are_the_same_bytes_for_one_and_two_threads(monkeypatch, forum_graph):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has a single thread here")
    _, duals = dispatchers_and_dual_kernels()
    for _, dual in duals:  # every parallel build runs as soon as there are two threads
        monkeypatch.setattr(dual, "min_work", 0)
    graph = forum_graph
    before = numba.get_num_threads()
    runs = []
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            runs.append(_everything(graph))
    finally:
        numba.set_num_threads(before)
    one, two = runs
    assert one.keys() == two.keys()
    for key in one:
        if isinstance(one[key], pd.DataFrame):
            pd.testing.assert_frame_equal(one[key], two[key], check_exact=True)
            for col in one[key].columns:
                if one[key][col].dtype.kind == "f":
                    assert one[key][col].to_numpy().tobytes() == two[key][col].to_numpy().tobytes(), (key, col)
        else:
            assert one[key] == two[key], key
