"""Sphinx configuration of the API reference (``make docs``).

Offline: no intersphinx, nothing is fetched. Docstrings are numpy-style and
parsed by numpydoc; the Markdown pages (the README, docs/architecture.md) by
myst-parser. ``make docs`` builds with ``-W --keep-going -n``: every warning,
broken references included, fails the build.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import netanalysis  # noqa: E402

project = "netanalysis"
author = "the netanalysis authors"
copyright = "the netanalysis authors"
release = version = netanalysis.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
templates_path = ["_templates"]

# Signatures without type hints: the Parameters sections give the types, and
# hints would be cross-references to pandas, numpy and scipy, which are not
# documented here (no intersphinx: the build stays offline).
autodoc_typehints = "none"
autosummary_generate = True
autosummary_imported_members = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

myst_heading_anchors = 3
suppress_warnings = []

html_theme = "alabaster"
html_static_path = []
html_title = f"netanalysis {release}"


def _listed_names() -> set[str]:
    """The names the API page lists (autosummary entries and py:data)."""
    text = (Path(__file__).parent / "api.rst").read_text(encoding="utf-8")
    names = set(re.findall(r"^\s{3,}~?(?:netanalysis\.)?([A-Za-z_][A-Za-z0-9_]*)\s*$", text, re.M))
    names |= set(re.findall(r"^\.\. py:data:: (\S+)", text, re.M))
    return names


def _check_api_page(app) -> None:
    """Every name of ``netanalysis.__all__`` is on the API page, and only those."""
    listed, public = _listed_names(), set(netanalysis.__all__)
    missing, extra = sorted(public - listed), sorted(listed - public)
    if missing or extra:
        from sphinx.errors import ConfigError

        raise ConfigError("docs/api.rst must list every name of netanalysis.__all__: "
                          + (f"missing {', '.join(missing)}" if missing else "")
                          + ("; " if missing and extra else "")
                          + (f"not in __all__: {', '.join(extra)}" if extra else ""))


def setup(app):
    app.connect("builder-inited", _check_api_page)
