"""Several fora at once: each analysed as one, plus a combined report.

``analyze([a, b, ...], out)`` (``netanalysis analyze A B ... --out OUT``)
analyses every dataset exactly as :func:`netanalysis.analyze` does one, into
``OUT/<name>/``, links the members of the fora that carry the same member id
(:func:`netanalysis.link_forums`, nicknames compared after its default
normalisation: Unicode form, case, surrounding spaces) and writes beside
them, all in one atomic folder:

=============================== ==================================================
``<name>/``                     the analysis of one dataset (every file of
                                :data:`netanalysis.report.analyze.OUTPUT_FILES`)
``report.html``                 the combined report: the fora, the members linked
                                across them, the key actors active in more than
                                one forum, and a table per forum
``fora.csv``                    one row per forum: its figures and how many of
                                its members are linked
``linked_members.csv``          one row per linked member: ``key``, ``n_fora``,
                                ``n_active_fora`` and the member id in each forum
``bridges.csv``                 the linked members with posts in two fora or more,
                                one row per member per forum: ``key``, ``forum``,
                                ``member_id``, ``n_active_fora``, ``posts``,
                                ``first_post``, ``last_post``, ``role``, ``rank``,
                                ``score`` (:attr:`netanalysis.LinkedFora.bridges`)
``cross_forum_key_actors.csv``  the bridges that are key actors in at least one
                                forum, one row per member, the rank, role and
                                posts in each forum side by side
``summary.json``                the fora, the linking, parameters, versions, times
``.netanalysis-output``         the marker of a netanalysis output
=============================== ==================================================

Names
-----
A forum's name (its folder in ``OUT`` and its label in the tables) is the
folder's name, a file's name without its suffixes (``forum.sql.gz`` ->
``forum``) or a database's name (``postgresql://host/forum`` -> ``forum``),
with any character other than letters, digits, ``.``, ``_`` and ``-``
replaced by ``_``; a name taken already (case ignored) or that of a file
of ``OUT`` gets ``-2``, ``-3``...; ``{name: dataset}`` gives the names
instead. The same dataset given twice is refused.
"""
from __future__ import annotations

import html
import json
import re
import time
import urllib.parse
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from .._io import atomic_folder, check_output, check_stop, naming_failures, output_lock, write_table
from ..forum.database import source_label
from ..forum.validate import dataset_files, dataset_source
from .html import Section, render_report

__all__ = ["MultiAnalysis", "analyze_fora", "forum_names", "MULTI_FILES", "MULTI_SECTION_IDS"]

#: The files of the combined output beside the fora's folders.
MULTI_FILES = ("report.html", "fora.csv", "linked_members.csv", "bridges.csv", "cross_forum_key_actors.csv",
               "summary.json")
#: The sections of the combined report before the one section per forum
#: (``forum-1``, ``forum-2``... in the order given) and ``parameters``.
MULTI_SECTION_IDS = ("fora", "cross-forum", "cross-key-actors")
#: Rows of the linked members shown in the report (all are in linked_members.csv).
LINKED_SHOWN = 100
#: Key actors of each forum shown in its table.
FORUM_ACTORS_SHOWN = 15
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SUFFIXES = (".gz", ".bz2", ".xz", ".sql", ".db", ".sqlite", ".sqlite3", ".csv", ".parquet")
_RESERVED = {n.lower() for n in (*MULTI_FILES, ".netanalysis-output")}


@dataclass
class MultiAnalysis:
    """What ``analyze`` computed on several datasets (also written to ``out``).

    Attributes
    ----------
    analyses : dict of str to Analysis
        Each forum's analysis, by name, in the order given (written to
        ``out / name``).
    linked : LinkedFora
        The members linked across the fora (:func:`netanalysis.link_forums`
        on the fora, their roles, key actors and graphs).
    cross_key_actors : DataFrame
        The linked members active in two fora or more that are key actors
        in at least one: one row per member, ``key``, ``n_active_fora``,
        ``key_actor_in``, ``best_rank`` and, per forum, ``<name> member_id``,
        ``<name> rank``, ``<name> role``, ``<name> posts``.
    summary : dict
        As written to ``summary.json``.
    out : Path
    warnings : list of str
        What linking warned of (integer member ids, colliding ids).
    """

    analyses: dict
    linked: object
    cross_key_actors: pd.DataFrame
    summary: dict
    out: Path
    warnings: list = field(default_factory=list)

    @property
    def fora(self) -> list[str]:
        return list(self.analyses)

    def __repr__(self) -> str:
        return (f"<MultiAnalysis {', '.join(self.fora)}: {self.linked.n_shared} linked members, "
                f"{len(self.cross_key_actors)} key actors active in several fora; {self.out}>")


def _stem(source) -> str:
    """The name a dataset argument gives its forum (before making it safe)."""
    if isinstance(source, str) and "://" in source:
        label = source_label(source)
        tail = label.rstrip("/").rsplit("/", 1)[-1]
        return _strip_suffixes(tail) if label.startswith(("sqlite:", "dump:")) else tail
    path = Path(source)
    if not path.name or path.name in (".", ".."):
        path = path.resolve()
    return path.name if path.is_dir() else _strip_suffixes(path.name)


def _strip_suffixes(name: str) -> str:
    lowered = name.lower()
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if lowered.endswith(suffix) and len(lowered) > len(suffix):
                name, lowered, changed = name[:-len(suffix)], lowered[:-len(suffix)], True
    return name


def _safe(name: str) -> str:
    name = _SAFE.sub("_", name).lstrip(".-")
    return name or "forum"


def forum_names(datasets) -> list[str]:
    """The folder names of several dataset arguments (see the module
    docstring): safe, distinct (case ignored) and none a file of the
    combined output.

    >>> forum_names(["data/forum-a", "other/forum-a", "dumps/b.sql.gz", "postgresql://u:pw@h/forum c"])
    ['forum-a', 'forum-a-2', 'b', 'forum_c']
    """
    names, taken = [], set(_RESERVED)
    for source in datasets:
        base = _safe(_stem(source))
        name, k = base, 2
        while name.lower() in taken:
            name, k = f"{base}-{k}", k + 1
        taken.add(name.lower())
        names.append(name)
    return names


def _given_names(mapping: Mapping) -> list[str]:
    names, taken = [], set()
    for name in mapping:
        if not isinstance(name, str) or _safe(name) != name:
            raise ValueError(f"forum name {name!r}: a name is the folder of its analysis, made of letters, digits, "
                             "'.', '_' and '-' and not beginning with '.' or '-'")
        if name.lower() in _RESERVED:
            raise ValueError(f"forum name {name!r} is the name of a file of the combined output")
        if name.lower() in taken:
            raise ValueError(f"forum name {name!r} is given twice (names are compared without case)")
        taken.add(name.lower())
        names.append(name)
    return names


def _identity(source):
    """What makes two dataset arguments the same dataset."""
    files = dataset_files(source)
    if files:
        return ("files", tuple(str(Path(f).resolve()) for f in files))
    return ("server", source_label(source))


def prepare(datasets) -> tuple[list[str], list]:
    """``(names, sources)`` of several datasets (a sequence or a mapping of
    name -> dataset), checked before any work: ``ValueError`` for fewer
    than two, a bad name, or one dataset given twice."""
    if isinstance(datasets, Mapping):
        names = _given_names(datasets)
        sources = [dataset_source(datasets[n]) for n in datasets]
    else:
        sources = [dataset_source(d) for d in datasets]
        names = forum_names(sources)
    if len(sources) < 2:
        raise ValueError(f"several fora need at least two datasets, got {len(sources)}")
    seen = {}
    for name, source in zip(names, sources):
        key = _identity(source)
        if key in seen:
            raise ValueError(f"the dataset {source_label(source)} is given twice ({seen[key]} and {name}); "
                             "give each forum once")
        seen[key] = name
    return names, sources


# -- the cross-forum tables ------------------------------------------------------------
def _linked_members(linked) -> pd.DataFrame:
    shared = linked.shared.reset_index()
    active = (linked.bridges.groupby("key")["n_active_fora"].first() if len(linked.bridges)
              else pd.Series(dtype=np.int64))
    shared.insert(2, "n_active_fora", shared["key"].map(active).fillna(0).astype(np.int64))
    return shared.sort_values(["n_active_fora", "n_fora", "key"], ascending=[False, False, True],
                              kind="stable").reset_index(drop=True)


def _cross_key_actors(linked, names: list[str]) -> pd.DataFrame:
    """One row per bridge that is a key actor in at least one forum, the
    forums side by side; best rank first."""
    per = [f"{n} {c}" for n in names for c in ("member_id", "rank", "role", "posts")]
    columns = ["key", "n_active_fora", "key_actor_in", "best_rank", *per]
    b = linked.bridges
    if not len(b) or "rank" not in b:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    ranked = b[b["rank"].notna()]
    keys = pd.unique(ranked["key"])
    rows = []
    for key in keys:
        mine = b[b["key"] == key].set_index("forum")
        row = {"key": key, "n_active_fora": int(mine["n_active_fora"].iloc[0]),
               "key_actor_in": ", ".join(n for n in names if n in mine.index and pd.notna(mine.at[n, "rank"])),
               "best_rank": int(mine["rank"].dropna().min())}
        for n in names:
            here = n in mine.index
            row[f"{n} member_id"] = mine.at[n, "member_id"] if here else None
            row[f"{n} rank"] = mine.at[n, "rank"] if here else pd.NA
            row[f"{n} role"] = (str(mine.at[n, "role"]) if here and "role" in mine and pd.notna(mine.at[n, "role"])
                                else None)
            row[f"{n} posts"] = int(mine.at[n, "posts"]) if here else 0
        rows.append(row)
    table = pd.DataFrame(rows, columns=columns)
    table["n_key"] = table["key_actor_in"].str.count(",") + 1
    table = (table.sort_values(["n_key", "best_rank", "key"], ascending=[False, True, True], kind="stable")
             .drop(columns="n_key").reset_index(drop=True))
    for n in names:
        table[f"{n} rank"] = pd.array(table[f"{n} rank"], dtype="Int64")
        table[f"{n} posts"] = table[f"{n} posts"].astype(np.int64)
    table["best_rank"] = table["best_rank"].astype(np.int64)
    table["n_active_fora"] = table["n_active_fora"].astype(np.int64)
    return table


def _fora_table(analyses: dict, linked, labels: dict) -> pd.DataFrame:
    rows = []
    b = linked.bridges
    for name, a in analyses.items():
        s = a.summary["dataset"]
        mine = b[b["forum"] == name] if len(b) else b
        linked_here = int(linked.shared[name].notna().sum()) if name in linked.shared else 0
        key_elsewhere = int(mine["rank"].notna().sum()) if len(mine) and "rank" in mine else 0
        rows.append({
            "forum": name, "dataset": labels[name],
            "first_post": str(s["first_post"])[:10], "last_post": str(s["last_post"])[:10],
            "members": int(s["members"]), "posting_members": int(s["posting_members"]), "posts": int(s["posts"]),
            "threads": int(s["threads"]), "graph_nodes": int(a.graph.n_nodes), "graph_edges": int(a.graph.n_edges),
            "communities": None if a.communities is None else int(a.communities.n_communities),
            "linked_members": linked_here, "active_in_another_forum": int(len(mine)),
            "key_actors_active_in_another_forum": key_elsewhere,
        })
    table = pd.DataFrame(rows)
    table["communities"] = pd.array(table["communities"], dtype="Int64")
    return table


# -- the combined report ---------------------------------------------------------------
def _href(name: str) -> str:
    return html.escape(urllib.parse.quote(f"{name}/report.html"), quote=True)


def _report(names, analyses, linked, fora, linked_table, cross, summary, notes) -> str:
    s = []
    sec = Section("fora", "The fora")
    sec.text(f"{len(names)} fora, each analysed on its own exactly as netanalysis analyze does one dataset; "
             "each forum's full report is in its folder.")
    links = "".join(f'<li><a href="{_href(n)}">{html.escape(n)}</a>: {html.escape(str(fora.loc[i, "dataset"]))}'
                    "</li>" for i, n in enumerate(names))
    sec.html(f"<ul>{links}</ul>")
    figures = fora.drop(columns="dataset").set_index("forum").astype(object).T
    figures.columns = list(figures.columns)
    sec.table(figures.rename_axis("").reset_index().rename(columns={"index": ""}))
    s.append(sec)

    link = summary["linking"]
    cf = Section("cross-forum", "Members across fora")
    cf.text(f"Members of different fora are linked when their member ids are the same after normalisation "
            f"({', '.join(link['normalise']) or 'none: ids compared exactly, as text'}; netanalysis.link_forums). "
            "Pseudonymised fora link only when they were pseudonymised with the same key. A linked member is "
            "active in a forum where they posted.")
    for w in notes:
        cf.text(w, "warn")
    if linked.empty:
        cf.text("No member id is in two of these fora: no member is linked across them.", "warn")
    else:
        cf.text(f"{link['linked_members']:,} members are linked across fora; {link['active_in_several']:,} of "
                f"them posted in more than one. The combined graph (one layer per forum, linked members as "
                f"one node) has {linked.combined.n_nodes:,} members and {linked.combined.n_edges:,} edges.")
        cf.table(linked_table, max_rows=LINKED_SHOWN)
    if len(linked.collisions):
        cf.text(f"{len(linked.collisions):,} member ids of one forum normalise to the same key as another id "
                "of that forum; they are linked nowhere.", "warn")
    s.append(cf)

    kc = Section("cross-key-actors", "Key actors active in more than one forum")
    kc.text("Linked members who posted in two fora or more and are in the key-actor list of at least one "
            "(rank, detected role and posts in each forum; an empty rank: not in that forum's list).")
    if len(cross):
        kc.table(cross)
    else:
        kc.text("None: no key actor of one forum posted in another.")
    s.append(kc)

    b = linked.bridges
    for i, name in enumerate(names, start=1):
        a = analyses[name]
        fs = Section(f"forum-{i}", f"Forum {name}")
        fs.html(f'<p>The full report: <a href="{_href(name)}">{html.escape(name)}/report.html</a>.</p>')
        top = a.key_actors.head(FORUM_ACTORS_SHOWN)[["rank", "member_id", "score", "role"]].copy()
        top["score"] = top["score"].astype(float).round(3)
        elsewhere = {}
        if len(b):
            mine = b[b["forum"] == name].set_index("member_id")["key"]
            for m, key in mine.items():
                others = b[(b["key"] == key) & (b["forum"] != name)]["forum"].tolist()
                elsewhere[m] = ", ".join(others)
        top["also_active_in"] = [elsewhere.get(m, "") for m in top["member_id"]]
        fs.table(top)
        row = fora.iloc[i - 1]
        fs.text(f"{int(row['members']):,} members ({int(row['posting_members']):,} posting), {int(row['posts']):,} "
                f"posts, {row['first_post']} to {row['last_post']}; {int(row['linked_members']):,} linked, "
                f"{int(row['active_in_another_forum']):,} active in another forum.", "note")
        s.append(fs)

    par = Section("parameters", "Parameters, versions and timings")
    par.table(pd.DataFrame(sorted((k, str(v)) for k, v in summary["parameters"].items()),
                           columns=["parameter", "value"]))
    par.table(pd.DataFrame(sorted(summary["versions"].items()), columns=["library", "version"]))
    par.table(pd.DataFrame(list(summary["seconds"].items()), columns=["stage", "seconds"]))
    s.append(par)
    return render_report(f"netanalysis report: {len(names)} fora ({', '.join(names)})",
                         f"Generated by netanalysis {summary['versions']['netanalysis']}; structure only, no "
                         "message content was read.", s)


def analyze_fora(datasets, out, *, force: bool = False, link_normalise=("case", "unicode", "spaces"),
                 **options) -> MultiAnalysis:
    """Analyse several datasets and write the combined output (see the
    module docstring); ``options`` are those of :func:`netanalysis.analyze`,
    applied to every dataset, checked (with the names and the output
    location) before any work.

    Use it through :func:`netanalysis.analyze` (a list or mapping of
    datasets).
    """
    from . import analyze as single
    from ..graphs.multiforum import _check_normalise

    names, sources = prepare(datasets)
    out = Path(out)
    steps = _check_normalise(link_normalise)
    if options.get("dataset_name") is not None:
        raise ValueError("dataset_name names one dataset; to name several, give them as a mapping "
                         "{name: dataset}")
    options.pop("dataset_name", None)
    progress = bool(options.pop("progress", False))
    checked = single._checked_options(**options)
    inputs = [f for src in sources for f in dataset_files(src)]
    check_output(out, overwrite=force, inputs=inputs)
    labels = {n: source_label(src) for n, src in zip(names, sources)}
    with output_lock(out):
        timings = {}
        with atomic_folder(out, overwrite=force, marker="multi-analysis", inputs=inputs) as tmp, \
                naming_failures(out) as writing:
            analyses = {}
            for name, src in zip(names, sources):
                check_stop()
                t0 = time.perf_counter()
                analyses[name] = single._analyze(src, tmp / name, progress=progress, force=False,
                                                 name=labels[name], **checked)
                timings[name] = round(time.perf_counter() - t0, 3)
            check_stop()
            t0 = time.perf_counter()
            from ..graphs.multiforum import link_forums

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                linked = link_forums({n: a.forum for n, a in analyses.items()}, normalise=steps,
                                     roles={n: a.roles for n, a in analyses.items()},
                                     key_actors={n: a.key_actors for n, a in analyses.items()},
                                     graphs={n: a.graph for n, a in analyses.items()})
            notes = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
            linked_table = _linked_members(linked)
            cross = _cross_key_actors(linked, names)
            fora = _fora_table(analyses, linked, labels)
            timings["linking"] = round(time.perf_counter() - t0, 3)
            summary = {
                "fora": [{"name": n, "folder": n, "dataset": labels[n], **{k: v for k, v in row.items()
                                                                           if k not in ("forum", "dataset")}}
                         for n, row in zip(names, fora.astype(object).where(fora.notna(), None)
                                           .to_dict("records"))],
                "linking": {"on": "member_id", "normalise": list(steps), "linked_members": int(linked.n_shared),
                            "active_in_several": int(linked.bridges["key"].nunique()) if len(linked.bridges) else 0,
                            "key_actors_active_in_several": int(len(cross)),
                            "colliding_ids": int(len(linked.collisions)),
                            "combined_graph": {"nodes": int(linked.combined.n_nodes),
                                               "edges": int(linked.combined.n_edges)},
                            "warnings": notes},
                "parameters": {"datasets": [labels[n] for n in names], **{k: v for k, v in checked.items()
                                                                          if k != "read_options"},
                               **checked["read_options"]},
                "versions": single._versions(),
                "seconds": timings,
            }
            t0 = time.perf_counter()
            write_table(fora, writing(tmp, "fora.csv"), "csv", safe_csv=True)
            write_table(linked_table, writing(tmp, "linked_members.csv"), "csv", safe_csv=True)
            write_table(linked.bridges, writing(tmp, "bridges.csv"), "csv", safe_csv=True)
            write_table(cross, writing(tmp, "cross_forum_key_actors.csv"), "csv", safe_csv=True)
            page = _report(names, analyses, linked, fora, linked_table, cross, summary, notes)
            writing(tmp, "report.html").write_text(page, encoding="utf-8")
            summary["seconds"]["report"] = round(time.perf_counter() - t0, 3)
            writing(tmp, "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n",
                                                    encoding="utf-8")
    return MultiAnalysis({n: _moved(a, out / n) for n, a in analyses.items()}, linked, cross, summary, out, notes)


def _moved(analysis, out: Path):
    """An Analysis whose ``out`` is its folder in the finished output."""
    analysis.out = out
    return analysis
