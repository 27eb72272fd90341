"""GraphML for Gephi and Cytoscape, written in one streaming pass."""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from ..graphs import InteractionGraph

__all__ = ["write_graphml"]


def _attr_type(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "long"
    if pd.api.types.is_float_dtype(s.dtype):
        return "double"
    return "string"


def _value(v, kind: str) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if kind == "boolean":
        return "true" if bool(v) else "false"
    if kind == "double":
        return repr(float(v))
    return escape(str(v))


def write_graphml(graph: InteractionGraph, path, node_attributes: pd.DataFrame | None = None) -> Path:
    """Write ``graph`` as GraphML with ``node_attributes`` (indexed by member
    id) as node data and the weight as edge data ``weight``.

    An undirected graph lists each edge once. Missing attribute values are
    left out, as GraphML allows.

    Examples
    --------
    >>> import scipy.sparse as sp, tempfile, pathlib
    >>> g = InteractionGraph(sp.csr_array([[0, 2], [0, 0]]), ["a&b", "c"])
    >>> p = write_graphml(g, pathlib.Path(tempfile.mkdtemp()) / "g.graphml",
    ...                   pd.DataFrame({"role": ["admin", "lurker"]}, index=["a&b", "c"]))
    >>> import networkx as nx
    >>> h = nx.read_graphml(p)
    >>> sorted(h.nodes(data="role")), list(h.edges(data="weight"))
    ([('a&b', 'admin'), ('c', 'lurker')], [('a&b', 'c', 2.0)])
    """
    path = Path(path)
    attrs = node_attributes.reindex(graph.node_ids) if node_attributes is not None else pd.DataFrame(index=graph.node_ids)
    kinds = {c: _attr_type(attrs[c]) for c in attrs.columns}
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        fh.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        for i, (col, kind) in enumerate(kinds.items()):
            fh.write(f'<key id="n{i}" for="node" attr.name={quoteattr(str(col))} attr.type="{kind}"/>\n')
        fh.write('<key id="weight" for="edge" attr.name="weight" attr.type="double"/>\n')
        direction = "directed" if graph.directed else "undirected"
        fh.write(f'<graph id={quoteattr(graph.kind)} edgedefault="{direction}">\n')
        columns = [attrs[c].to_numpy(dtype=object) for c in kinds]
        ids = [str(x) for x in graph.node_ids]
        for row, node in enumerate(ids):
            data = []
            for i, (col, kind) in enumerate(kinds.items()):
                v = _value(columns[i][row], kind)
                if v is not None:
                    data.append(f'<data key="n{i}">{v}</data>')
            fh.write(f"<node id={quoteattr(node)}>{''.join(data)}</node>\n")
        edges = graph.edges()
        src = [str(x) for x in edges["source"]]
        tgt = [str(x) for x in edges["target"]]
        for s, t, w in zip(src, tgt, edges["weight"].to_numpy()):
            fh.write(f'<edge source={quoteattr(s)} target={quoteattr(t)}><data key="weight">{float(w)!r}</data></edge>\n')
        fh.write("</graph>\n</graphml>\n")
    return path
