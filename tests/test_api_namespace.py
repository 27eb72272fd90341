"""The top-level namespace: every public function and result type as
``na.NAME``, loaded lazily so that ``import netanalysis`` stays cheap."""
import importlib
import inspect
import subprocess
import sys

import pytest

import netanalysis as na

SUBPACKAGES = ["netanalysis.forum", "netanalysis.graphs", "netanalysis.measures", "netanalysis.roles",
               "netanalysis.keyplayers", "netanalysis.evaluate", "netanalysis.temporal"]


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_import_is_light():
    """``import netanalysis`` imports neither numba nor the data stack."""
    loaded = _run("import sys, netanalysis\n"
                  "print(','.join(m for m in ('numba', 'pandas', 'scipy') if m in sys.modules))")
    assert loaded == ""


def test_every_name_resolves_in_a_fresh_interpreter():
    out = _run("import netanalysis as na\n"
               "bad = [n for n in na.__all__ if getattr(na, n, None) is None]\n"
               "print(len(na.__all__), bad)")
    count, bad = out.split(" ", 1)
    assert int(count) > 50
    assert bad == "[]"


@pytest.mark.parametrize("name", na.__all__)
def test_name_is_the_subpackage_object(name):
    value = getattr(na, name)
    if name == "__version__":
        assert isinstance(value, str) and value
        return
    home = importlib.import_module(na._LAZY[name])
    assert value is getattr(home, name)


@pytest.mark.parametrize("module", SUBPACKAGES)
def test_all_public_functions_and_types_are_top_level(module):
    mod = importlib.import_module(module)
    public = [n for n in mod.__all__ if inspect.isfunction(getattr(mod, n)) or inspect.isclass(getattr(mod, n))]
    assert public
    assert sorted(set(public) - set(na.__all__)) == []


def test_named_entry_points():
    for name in ("centrality", "betweenness", "forum_roles", "structural_roles", "brokerage", "core_periphery",
                 "key_actors", "key_actor_evidence", "key_player_set", "disrupt", "stability", "analyze",
                 "average_precision", "read_forum", "reply_graph"):
        assert callable(getattr(na, name)), name
    assert na.analyze is importlib.import_module("netanalysis.report.analyze").analyze


def test_dir_and_unknown_names():
    assert set(na.__all__) <= set(dir(na))
    assert len(set(na.__all__)) == len(na.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        na.nonexistent  # noqa: B018
    from netanalysis import key_player_set  # the from-import form goes through __getattr__ too
    assert key_player_set is na.key_player_set


def test_one_seed_convention():
    """``seed`` is keyword-only with default 0 in every public function."""
    seeded = []
    for name in na.__all__:
        value = getattr(na, name)
        if not inspect.isfunction(value):
            continue
        param = inspect.signature(value).parameters.get("seed")
        if param is None:
            continue
        seeded.append(name)
        assert param.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert param.default == 0, name
    assert {"key_player_set", "key_player_score", "disrupt", "stability", "subsample", "structural_roles",
            "approximate_betweenness"} <= set(seeded)
