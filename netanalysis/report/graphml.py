"""GraphML for Gephi and Cytoscape, written in one streaming pass.

The file is well-formed XML 1.0 whatever the ids hold. XML cannot carry some
characters at all, not even as character references: the control characters
other than tab, newline and carriage return (NUL included), lone surrogates,
U+FFFE and U+FFFF. A text (a node id, an attribute value) holding one of them,
or a backslash, is written escaped: each such character as ``\\xHH``,
``\\uHHHH`` or ``\\UHHHHHHHH`` and each backslash as ``\\\\`` (so that
distinct ids stay distinct, and the original can be read back); every other
text is written as it is. Tabs, newlines and carriage returns are kept, as
character references.
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from ..graphs import InteractionGraph

__all__ = ["write_graphml", "xml_text"]

# Characters XML 1.0 cannot hold (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\\\\]")
_ENTITIES = {"\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def _escape_char(m: re.Match) -> str:
    c = m.group()
    if c == "\\":
        return "\\\\"
    o = ord(c)
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"


def xml_text(value) -> str:
    r"""``str(value)`` with the characters XML cannot hold escaped (see the
    module's docstring); unchanged when it holds none of them.

    Examples
    --------
    >>> xml_text("a\x00b"), xml_text("a\\x00b"), xml_text("ann")
    ('a\\x00b', 'a\\\\x00b', 'ann')
    """
    text = str(value)
    if _NOT_XML.search(text) is None and "\\" not in text:
        return text
    return _ESCAPED.sub(_escape_char, text)


def _attr(value) -> str:
    return quoteattr(xml_text(value), _ENTITIES)


def _content(value) -> str:
    return escape(xml_text(value), {"\r": "&#13;"})


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
    return _content(v)


def write_graphml(graph: InteractionGraph, path, node_attributes: pd.DataFrame | None = None) -> Path:
    """Write ``graph`` as GraphML with ``node_attributes`` (indexed by member
    id) as node data and the weight as edge data ``weight``.

    An undirected graph lists each edge once. Missing attribute values are
    left out, as GraphML allows. Ids and texts holding characters that XML
    cannot carry (control characters, NUL included) are escaped
    (:func:`xml_text`), so that the file is always well-formed.

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
            fh.write(f'<key id="n{i}" for="node" attr.name={_attr(col)} attr.type="{kind}"/>\n')
        fh.write('<key id="weight" for="edge" attr.name="weight" attr.type="double"/>\n')
        direction = "directed" if graph.directed else "undirected"
        fh.write(f'<graph id={_attr(graph.kind)} edgedefault="{direction}">\n')
        columns = [attrs[c].to_numpy(dtype=object) for c in kinds]
        ids = [str(x) for x in graph.node_ids]
        for row, node in enumerate(ids):
            data = []
            for i, (col, kind) in enumerate(kinds.items()):
                v = _value(columns[i][row], kind)
                if v is not None:
                    data.append(f'<data key="n{i}">{v}</data>')
            fh.write(f"<node id={_attr(node)}>{''.join(data)}</node>\n")
        edges = graph.edges()
        src = [str(x) for x in edges["source"]]
        tgt = [str(x) for x in edges["target"]]
        for s, t, w in zip(src, tgt, edges["weight"].to_numpy()):
            fh.write(f'<edge source={_attr(s)} target={_attr(t)}><data key="weight">{float(w)!r}</data></edge>\n')
        fh.write("</graph>\n</graphml>\n")
    return path
