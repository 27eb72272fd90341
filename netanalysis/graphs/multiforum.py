r"""Several fora at once: members linked across fora by a shared identifier.

Fora cooperate, advertise each other and share members. :func:`link_forums`
links the members of several fora that carry the same identifier and
builds one multi-layer reply graph over all of them (stage 2: records ->
graphs).

Linking
-------
Two members of different fora are *linked* when their identifiers (the
``member_id``, or another column of ``forum.members`` named by ``on``) have
the same *key*. The key is the identifier as text (``str(id)``, so the
integer ``7`` and the text ``"7"`` are one key), after the optional
normalisation ``normalise`` (applied in this order):

``"unicode"``
    Unicode normal form NFKC: compatibility characters become their plain
    form (full-width ``ＡＢＣ`` -> ``ABC``, the ligature ``ﬁ`` -> ``fi``,
    a no-break space -> a space), and composed and decomposed accents
    (``é`` as one or two code points) become one.
``"case"``
    Case folding (``str.casefold``: ``Ann``, ``ANN`` and ``ann`` are one key,
    and so are ``Straße`` and ``STRASSE``); with ``"unicode"`` the folded
    text is put in NFKC again (folding can undo a normal form).
``"spaces"``
    Surrounding white space removed and every inner run of white space made
    one space (``" ann  lee "`` -> ``"ann lee"``).

``normalise=None`` (or ``()``) compares the identifiers exactly, as text.

Collisions
----------
Two identifiers of *one* forum that normalise to the same key (``Ann`` and
``ann`` in forum A) are never merged silently: the key is ambiguous, so it
is linked nowhere, the members concerned are listed in
:attr:`LinkedFora.collisions` (``forum, key, member_id``) and left out of
the combined graph, and an :class:`IdentifierCollisionWarning` names how
many keys of which forum collided. Exact identifiers never collide (they
are unique within a forum).

Pseudonymised fora
------------------
:func:`netanalysis.pseudonymize` replaces each member id by
``"m_" + hex(HMAC-SHA256(key, "member\x00" + str(id)))[:20]``: keyed and
stable, the same original id gets the same pseudonym in every dataset
pseudonymised with the same key (and an unrelated one under another key).
So fora pseudonymised with one key still link, on their pseudonyms, exactly
where the original ids were equal as text; fora pseudonymised with
different keys do not link at all. Normalisation cannot act through a
pseudonym (``Ann`` and ``ann`` have unrelated pseudonyms): to link case
variants of pseudonymised nicknames, normalise the ids before
pseudonymising.

Numeric ids
-----------
Integer member ids are usually the forum software's row numbers, which
identify nobody across fora (member 7 of one forum and member 7 of another
are unrelated). They are compared as text like any id, with a ``UserWarning`` saying so when
a forum's ids are all integers.

The combined graph
------------------
Every member with a post in a forum (the nodes of
:func:`~netanalysis.graphs.reply_graph` by default), except those caught
in a collision, becomes the node of its key; linked members of several fora
are one node. :attr:`LinkedFora.layers` holds one reply graph per forum on
this shared node index (sorted keys), :attr:`LinkedFora.combined` their sum
(an :class:`InteractionGraph` holds one weight per pair, no edge
attributes), and :attr:`LinkedFora.edges` the edges of every layer with a
``layer`` column (the flattened multi-layer graph).

No shared members
-----------------
When no key is in two fora, ``links``, ``shared`` and ``bridges`` are empty
tables with their columns, :attr:`LinkedFora.empty` is True, and the layers
are still built (each forum's graph on the union of the nodes, with no node
in two layers).
"""
from __future__ import annotations

import unicodedata
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..forum import Forum
from .interaction_graph import InteractionGraph
from .reply import reply_graph

__all__ = ["link_forums", "LinkedFora", "normalise_identifier", "NORMALISATIONS", "IdentifierCollisionWarning"]

#: The normalisations of :func:`link_forums`, applied in this order.
NORMALISATIONS = ("unicode", "case", "spaces")


class IdentifierCollisionWarning(UserWarning):
    """Two identifiers of one forum normalise to the same key."""


@dataclass(frozen=True, eq=False)
class LinkedFora:
    """Result of :func:`link_forums`.

    Attributes
    ----------
    links : DataFrame
        One row per linked member per forum (keys found in at least two
        fora): ``key``, ``forum``, ``member_id``; by key, then forum in the
        order given.
    shared : DataFrame
        One row per linked key (index ``key``): ``n_fora`` and one column per
        forum with the member id there (missing where the key is absent).
    bridges : DataFrame
        The linked members with posts in at least two fora, one row per
        member per forum where the key is: ``key``, ``forum``,
        ``member_id``, ``n_active_fora``, ``posts``, ``first_post``,
        ``last_post``, and ``role`` (from ``roles``), ``rank`` and ``score``
        (from ``key_actors``) when those were given for the forum.
    collisions : DataFrame
        ``forum``, ``key``, ``member_id``: identifiers of one forum that
        normalise to the same key (not linked, not in the graph).
    layers : dict of str to InteractionGraph
        Each forum's reply graph on the shared node index (node ids are
        keys).
    combined : InteractionGraph
        The sum of the layers (``kind="multiforum"``); ``meta["layers"]``
        names them.
    edges : DataFrame
        ``source``, ``target``, ``weight``, ``layer``: the edges of every
        layer (keys as node ids).
    params : dict
        The parameters of the call.
    """

    links: pd.DataFrame
    shared: pd.DataFrame
    bridges: pd.DataFrame
    collisions: pd.DataFrame
    layers: Mapping[str, InteractionGraph]
    combined: InteractionGraph
    edges: pd.DataFrame
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fora(self) -> list[str]:
        return list(self.layers)

    @property
    def n_shared(self) -> int:
        """Number of linked keys."""
        return len(self.shared)

    @property
    def empty(self) -> bool:
        """True when no member is linked across fora."""
        return len(self.shared) == 0

    def __repr__(self) -> str:
        n_bridges = self.bridges["key"].nunique() if len(self.bridges) else 0
        return (f"<LinkedFora {', '.join(self.fora)}: {self.n_shared} shared members, {n_bridges} active "
                f"in several fora, {len(self.collisions)} colliding ids, combined graph "
                f"{self.combined.n_nodes} nodes / {self.combined.n_edges} edges>")


def _check_normalise(normalise) -> tuple[str, ...]:
    if normalise is None:
        return ()
    if isinstance(normalise, str):
        normalise = (normalise,)
    chosen = tuple(normalise)
    unknown = [n for n in chosen if n not in NORMALISATIONS]
    if unknown:
        raise ValueError(f"normalise: unknown normalisation(s) {unknown}; choose from {', '.join(NORMALISATIONS)} "
                         "or None")
    return tuple(n for n in NORMALISATIONS if n in chosen)


def normalise_identifier(value, normalise=NORMALISATIONS) -> str:
    """The key of one identifier (see ``netanalysis.graphs.multiforum``).

    Examples
    --------
    >>> normalise_identifier("  Ann\u00a0 LEE ")
    'ann lee'
    >>> normalise_identifier("ＡＮＮ"), normalise_identifier("Ann", None), normalise_identifier(7)
    ('ann', 'Ann', '7')
    """
    return _key(str(value), _check_normalise(normalise))


def _key(text: str, steps: tuple[str, ...]) -> str:
    if "unicode" in steps:
        text = unicodedata.normalize("NFKC", text)
    if "case" in steps:
        text = text.casefold()
        if "unicode" in steps:
            text = unicodedata.normalize("NFKC", text)
    if "spaces" in steps:
        text = " ".join(text.split())
    return text


def _identifiers(name: str, forum: Forum, on: str) -> pd.Series:
    members = forum.members
    if on not in members.columns:
        raise ValueError(f"on={on!r}: forum {name!r} has no members column {on!r} "
                         f"(columns: {', '.join(map(str, members.columns))})")
    ident = pd.Series(members[on].to_numpy(), index=pd.Index(members["member_id"].to_numpy()), dtype=object)
    if ident.isna().any():
        raise ValueError(f"on={on!r}: forum {name!r} has {int(ident.isna().sum())} members without a value")
    return ident


def _integer_ids(values: pd.Series) -> bool:
    return len(values) > 0 and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values)


def _empty_links() -> pd.DataFrame:
    return pd.DataFrame({"key": pd.Series(dtype=object), "forum": pd.Series(dtype=object),
                         "member_id": pd.Series(dtype=object)})


def _layer(graph: InteractionGraph, node_of: pd.Series, index: pd.Index, name: str) -> InteractionGraph:
    """``graph`` re-indexed on ``index`` through ``node_of`` (member id ->
    key); edges of members without a key are dropped and counted."""
    keys = node_of.reindex(graph.node_ids)
    pos = index.get_indexer(keys.to_numpy())
    pos[keys.isna().to_numpy()] = -1
    coo = graph.adjacency.tocoo()
    keep = (pos[coo.row] >= 0) & (pos[coo.col] >= 0)
    n = len(index)
    adj = sp.csr_array((coo.data[keep], (pos[coo.row[keep]], pos[coo.col[keep]])), shape=(n, n))
    dropped = float(coo.data[~keep].sum())
    meta = {"forum": name, "source_kind": graph.kind, "source_nodes": graph.n_nodes,
            "weight_left_out": dropped if graph.directed else dropped / 2}
    return InteractionGraph(adj, index, directed=graph.directed, kind=graph.kind, weight=graph.weight, meta=meta)


def link_forums(
    fora: Mapping[str, Forum],
    *,
    on: str = "member_id",
    normalise=("case", "unicode", "spaces"),
    roles: Mapping[str, pd.DataFrame] | None = None,
    key_actors: Mapping[str, pd.DataFrame] | None = None,
    graphs: Mapping[str, InteractionGraph] | None = None,
) -> LinkedFora:
    """Link the members of several fora by a shared identifier.

    Definitions (keys, normalisation, collisions, pseudonyms, the combined
    graph, the empty result) are in the module docstring
    (``netanalysis.graphs.multiforum``).

    Parameters
    ----------
    fora : mapping of str to Forum
        At least two fora, by name (the names label the layers and columns).
    on : str, default "member_id"
        The column of ``forum.members`` that identifies a person across
        fora (the nickname, or the pseudonym after
        :func:`~netanalysis.pseudonymize` with one key).
    normalise : iterable of {"case", "unicode", "spaces"} or None
        How identifiers are normalised into keys; None compares them
        exactly (as text).
    roles : mapping of str to DataFrame, optional
        Per forum name, roles indexed by member id with a column ``role``
        (as from :func:`~netanalysis.forum_roles`): adds ``role`` to
        ``bridges``. Computed by the caller (a graph does not compute roles).
    key_actors : mapping of str to DataFrame, optional
        Per forum name, a key-actor table with ``member_id`` and ``rank``
        (as from :func:`~netanalysis.key_actors`): adds ``rank`` (and
        ``score`` when present) to ``bridges``.
    graphs : mapping of str to InteractionGraph, optional
        Per forum name, the graph to use as its layer (node ids: member
        ids of that forum); default ``reply_graph(forum)``.

    Returns
    -------
    LinkedFora

    Raises
    ------
    TypeError, ValueError
        Fewer than two fora, a value that is not a Forum, an unknown
        normalisation or column, roles/key actors/graphs for an unknown
        forum.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.forum import read_forum
    >>> def forum(authors):
    ...     n = len(authors)
    ...     return read_forum({"posts": pd.DataFrame({"post_id": range(1, n + 1), "thread_id": [1] * n,
    ...         "author_id": authors, "created_at": range(0, 60 * n, 60)})})
    >>> linked = link_forums({"A": forum(["Ann", "bob", "cy"]), "B": forum(["ann ", "dee", "bob"])})
    >>> linked.shared
         n_fora    A     B
    key
    ann       2  Ann  ann
    bob       2  bob   bob
    >>> linked.combined.n_nodes, sorted(linked.layers)
    (4, ['A', 'B'])
    """
    if not isinstance(fora, Mapping):
        raise TypeError("fora must be a mapping of forum name -> Forum")
    names = list(fora)
    if len(names) < 2:
        raise ValueError(f"link_forums needs at least two fora, got {len(names)}")
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"forum names must be text, not {type(name).__name__} ({name!r})")
        if not isinstance(fora[name], Forum):
            raise TypeError(f"fora[{name!r}] is a {type(fora[name]).__name__}, not a Forum")
    for label, given in (("roles", roles), ("key_actors", key_actors), ("graphs", graphs)):
        unknown = sorted(set(given or {}) - set(names))
        if unknown:
            raise ValueError(f"{label}: unknown forum name(s) {unknown}; fora are {names}")
    steps = _check_normalise(normalise)
    if not isinstance(on, str):
        raise TypeError("on must be the name of a members column")

    # keys of every member, forum by forum; ambiguous keys out
    keyed, collided = {}, []
    for name in names:
        ident = _identifiers(name, fora[name], on)
        if on == "member_id" and _integer_ids(ident):
            warnings.warn(f"forum {name!r} has integer member ids; they are compared as text, but numeric ids "
                          "are usually the forum software's row numbers and identify nobody across fora",
                          UserWarning, stacklevel=2)
        keys = pd.Series([_key(str(v), steps) for v in ident.to_numpy()], index=ident.index, dtype=object)
        dup = keys.duplicated(keep=False).to_numpy()
        if dup.any():
            bad = keys[dup]
            collided.append(pd.DataFrame({"forum": name, "key": bad.to_numpy(), "member_id": bad.index.to_numpy()},
                                         ).sort_values(["key"], kind="stable"))
            warnings.warn(f"forum {name!r}: {bad.nunique()} key(s) shared by {len(bad)} member ids after "
                          f"normalisation {list(steps)} (e.g. {bad.iloc[0]!r}); those ids are not linked and not "
                          "in the combined graph (LinkedFora.collisions lists them)",
                          IdentifierCollisionWarning, stacklevel=2)
        keyed[name] = keys[~dup]
    collisions = (pd.concat(collided, ignore_index=True) if collided
                  else pd.DataFrame({"forum": pd.Series(dtype=object), "key": pd.Series(dtype=object),
                                     "member_id": pd.Series(dtype=object)}))

    # links and the shared table
    frames = [pd.DataFrame({"key": k.to_numpy(), "forum": name, "member_id": k.index.to_numpy()})
              for name, k in keyed.items()]
    every = pd.concat(frames, ignore_index=True) if frames else _empty_links()
    every["forum_order"] = every["forum"].map({n: i for i, n in enumerate(names)})
    n_fora = every.groupby("key")["forum"].transform("size")
    links = (every[n_fora.to_numpy() >= 2].sort_values(["key", "forum_order"], kind="stable")
             .drop(columns="forum_order").reset_index(drop=True))
    if len(links):
        wide = links.pivot(index="key", columns="forum", values="member_id")
        shared = pd.concat([links.groupby("key").size().rename("n_fora"),
                            wide.reindex(columns=names)], axis=1)
    else:
        links = _empty_links()
        shared = pd.DataFrame({"n_fora": pd.Series(dtype=np.int64),
                               **{n: pd.Series(dtype=object) for n in names}})
    shared.index.name = "key"
    shared.columns.name = None

    # the layers on one node index
    built = {}
    for name in names:
        g = (graphs or {}).get(name)
        built[name] = reply_graph(fora[name]) if g is None else g
    node_keys = [keyed[name].reindex(built[name].node_ids).dropna() for name in names]
    index = pd.Index(sorted(set().union(*(set(k.to_numpy()) for k in node_keys))), dtype=object, name=None)
    layers = {name: _layer(built[name], keyed[name], index, name) for name in names}
    directed = any(g.directed for g in layers.values())
    total = None
    for g in layers.values():
        # an undirected layer stores each edge both ways: in a directed sum it counts in both directions
        total = g.adjacency if total is None else total + g.adjacency
    combined = InteractionGraph(total, index, directed=directed, kind="multiforum",
                                weight="interactions, every forum",
                                meta={"layers": names, "normalise": list(steps), "on": on,
                                      "shared_members": int(len(shared))})
    edge_frames = [g.edges().assign(layer=name) for name, g in layers.items()]
    edges = pd.concat(edge_frames, ignore_index=True)

    bridges = _bridges(fora, names, links, roles or {}, key_actors or {})
    params = {"on": on, "normalise": list(steps), "fora": names}
    return LinkedFora(links=links, shared=shared, bridges=bridges, collisions=collisions,
                      layers=layers, combined=combined, edges=edges, params=params)


def _bridges(fora, names, links: pd.DataFrame, roles, key_actors) -> pd.DataFrame:
    columns = ["key", "forum", "member_id", "n_active_fora", "posts", "first_post", "last_post"]
    if not len(links):
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        out["n_active_fora"] = out["n_active_fora"].astype(np.int64)
        out["posts"] = out["posts"].astype(np.int64)
        return out
    parts = []
    for name in names:
        part = links[links["forum"] == name]
        if not len(part):
            continue
        posts = fora[name].posts
        by = posts.groupby("author_id")["created_at"]
        ids = pd.Index(part["member_id"].to_numpy())
        stats = pd.DataFrame({"posts": by.size().reindex(ids, fill_value=0).to_numpy().astype(np.int64),
                              "first_post": by.min().reindex(ids).to_numpy(),
                              "last_post": by.max().reindex(ids).to_numpy()}, index=part.index)
        piece = part.join(stats)
        if name in roles:
            r = roles[name]
            if "role" not in r.columns:
                raise ValueError(f"roles[{name!r}] needs a column 'role' (a DataFrame indexed by member id)")
            piece["role"] = r["role"].reindex(ids).astype(object).to_numpy()
        if name in key_actors:
            ka = key_actors[name]
            missing = {"member_id", "rank"} - set(ka.columns)
            if missing:
                raise ValueError(f"key_actors[{name!r}] needs columns member_id and rank; missing {sorted(missing)}")
            ranked = ka.drop_duplicates("member_id").set_index("member_id")
            piece["rank"] = pd.array(ranked["rank"].reindex(ids).to_numpy(), dtype="Int64")
            if "score" in ranked.columns:
                piece["score"] = ranked["score"].reindex(ids).to_numpy(dtype=float)
        parts.append(piece)
    table = pd.concat(parts).sort_index(kind="stable")
    active = table[table["posts"] > 0].groupby("key").size()
    table["n_active_fora"] = table["key"].map(active).fillna(0).astype(np.int64)
    table = table[table["n_active_fora"] >= 2].reset_index(drop=True)
    extra = [c for c in ("role", "rank", "score") if c in table.columns]
    return table[columns + extra]
