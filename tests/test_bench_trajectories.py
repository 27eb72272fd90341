"""benchmarks/bench_trajectories.py rewrites benchmarks/TRAJECTORIES.md but
keeps the sections other scripts wrote there between markers (issue 15)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_trajectories.py"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec = importlib.util.spec_from_file_location("bench_trajectories", BENCH)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


def test_marked_sections_survive_a_rewrite(bench, tmp_path):
    path = tmp_path / "TRAJECTORIES.md"
    a = "<!-- BEGIN temporal_checks -->\n## Checks\n\nfigures\n<!-- END temporal_checks -->\n"
    b = "<!-- BEGIN trajectories_vs_flexmix -->\n## flexmix\n| 1 | 2 |\n<!-- END trajectories_vs_flexmix -->\n"
    path.write_text("# Old text\n\nold figures\n\n" + a + "\n" + b, encoding="utf-8")
    bench.write_keeping_sections(path, "# Activity trajectories\n\nnew figures\n")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Activity trajectories\n\nnew figures\n")
    assert "old figures" not in text
    assert a in text and b in text and text.index(a) < text.index(b)
    # twice: the same file, no section doubled
    bench.write_keeping_sections(path, "# Activity trajectories\n\nnew figures\n")
    assert path.read_text(encoding="utf-8") == text
    assert text.count("<!-- BEGIN") == 2 and not list(tmp_path.glob(".*.tmp"))
    # a new file, and a section the new text carries itself is not repeated
    fresh = tmp_path / "new.md"
    bench.write_keeping_sections(fresh, "# T\n")
    assert fresh.read_text(encoding="utf-8") == "# T\n"
    bench.write_keeping_sections(path, "# T\n\n" + a)
    assert path.read_text(encoding="utf-8").count("BEGIN temporal_checks") == 1


def test_the_crimcv_paragraph_points_to_flexmix(bench):
    assert "not packaged for Debian" in bench.CRIMCV_ABSENT and "r-base-core" in bench.CRIMCV_ABSENT
    assert "trajectories_vs_flexmix.py" in bench.CRIMCV_ABSENT
    said = bench.crimcv_comparison()      # runs crimCV only where R has it (never from Debian's packages)
    assert "trajectories_vs_flexmix.py" in said or "crimCV `model" in said


def test_the_real_file_keeps_its_sections(bench):
    """The sections now in benchmarks/TRAJECTORIES.md are those a rewrite keeps."""
    real = BENCH.parent / "TRAJECTORIES.md"
    if not real.exists():
        pytest.skip("no TRAJECTORIES.md")
    text = real.read_text(encoding="utf-8")
    kept = bench.kept_sections(text)
    assert len(kept) == text.count("<!-- BEGIN ")
    assert all(k in text for k in kept)
