"""The self-contained HTML report.

One file, no script, no external style, font or image: figures are inline
SVG, styles an inline ``<style>``. Opening it sends no request anywhere.
Every value from the data is escaped.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Section", "render_report", "table_html", "is_id_column", "ID_COLUMNS", "SECTION_IDS", "OVER_TIME_SECTION"]

#: The sections of the report, in order (ids of the HTML elements).
SECTION_IDS = (
    "dataset", "activity", "distributions", "key-actors", "roles", "communities", "elite",
    "centrality-agreement", "disruption", "core-network", "members", "parameters",
)
#: The section added with ``over_time=True`` (``--over-time``), between the
#: core network and the members; not in :data:`SECTION_IDS`, which lists the
#: sections of every report.
OVER_TIME_SECTION = "over-time"

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:1.5em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.figure svg{max-width:100%;height:auto}.note{color:#555;font-size:.9em}.warn{color:#8a4b00}
nav a{margin-right:1em;font-size:.9em}code{background:#f5f5f5;padding:0 .2em}
"""


@dataclass
class Section:
    """One section: a heading, paragraphs of text, tables and figures, in order."""

    id: str
    title: str
    parts: list[str] = field(default_factory=list)

    def text(self, words: str, cls: str | None = None) -> "Section":
        c = f' class="{cls}"' if cls else ""
        self.parts.append(f"<p{c}>{html.escape(words)}</p>")
        return self

    def figure(self, svg: str, caption: str) -> "Section":
        self.parts.append(
            f'<figure class="figure">{svg}<figcaption class="note">{html.escape(caption)}</figcaption></figure>'
        )
        return self

    def table(self, df: pd.DataFrame, *, index: bool = False, max_rows: int | None = None,
              links: dict | None = None) -> "Section":
        self.parts.append(table_html(df, index=index, max_rows=max_rows, links=links))
        return self

    def html(self, markup: str) -> "Section":
        """Markup built by the caller (every value from the data escaped)."""
        self.parts.append(markup)
        return self


#: Columns that hold ids (members, threads, subforums...), printed as they
#: are: ``member_id``, any name ending in ``_id`` or `` member_id`` (the
#: multi-forum tables), and these names.
ID_COLUMNS = frozenset({"member", "member_id", "key", "leader", "hub", "successor", "quiet_member", "source",
                        "target", "partner"})


def is_id_column(name) -> bool:
    """True when the column ``name`` holds ids (see :data:`ID_COLUMNS`)."""
    name = str(name)
    return name in ID_COLUMNS or name.endswith("_id") or name.endswith(" member_id")


def _cell(value, is_id: bool = False) -> tuple[str, bool]:
    """The text of one cell and whether it is a number (aligned right);
    an id (``is_id``) is its text, an integer one without thousands
    separators."""
    if is_id:
        if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
            return "", False
        if isinstance(value, float) and value.is_integer():
            value = int(value)   # an integer id column with a missing value is float in pandas
        return html.escape(str(value)), False
    if isinstance(value, float):
        if pd.isna(value):
            return "", True
        return (f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"), True
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return f"{value:,}", True
    if value is None or value is pd.NA or value is pd.NaT:
        return "", False
    return html.escape(str(value)), False


def table_html(df: pd.DataFrame, *, index: bool = False, max_rows: int | None = None,
               links: dict | None = None) -> str:
    """An HTML table. ``links`` maps a column name to ``{value: anchor}``:
    those cells link to ``#anchor`` in the same page (anchors are made by
    the caller from safe characters only). Numbers get thousands
    separators, except in id columns (:func:`is_id_column`), which print
    each id as it is."""
    links = links or {}
    if index:
        df = df.reset_index()
    shown = df if max_rows is None else df.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = []
    link_at = {i: links[c] for i, c in enumerate(shown.columns) if c in links}
    id_at = {i for i, c in enumerate(shown.columns) if is_id_column(c)}
    for record in shown.itertuples(index=False):
        cells = []
        for i, v in enumerate(record):
            try:
                anchor = link_at[i].get(v) if i in link_at else None
            except TypeError:   # an unhashable value links nowhere
                anchor = None
            if hasattr(v, "item") and not isinstance(v, str):
                try:
                    v = v.item()
                except (ValueError, AttributeError):
                    pass
            text, numeric = _cell(v, i in id_at)
            if anchor is not None:
                text = f'<a href="#{html.escape(str(anchor))}">{text}</a>'
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if max_rows is not None and len(df) > max_rows:
        more = f'<p class="note">{len(df) - max_rows:,} more rows in the CSV file.</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def render_report(title: str, subtitle: str, sections: list[Section]) -> str:
    """The whole report as one HTML string."""
    nav = "".join(f'<a href="#{s.id}">{html.escape(s.title)}</a>' for s in sections)
    body = "".join(
        f'<section id="{s.id}"><h2>{html.escape(s.title)}</h2>{"".join(s.parts)}</section>' for s in sections
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class=\"note\">{html.escape(subtitle)}</p><nav>{nav}</nav>{body}"
        "</body></html>\n"
    )
