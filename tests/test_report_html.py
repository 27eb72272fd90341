"""The report's tables: ids print as they are, numbers with thousands
separators (issue 16)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

import netanalysis as na
from netanalysis.report.html import is_id_column, table_html
from netanalysis.report.member import write_member_report


def _cells(markup: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", markup)


def test_integer_ids_print_as_they_are_and_counts_with_separators():
    df = pd.DataFrame({"member_id": [1234567, 42], "posts": [1234567, 42], "leader": pd.array([98765, None], "Int64"),
                       "thread_id": [1000.0, np.nan], "A member_id": [10000, 20000], "score": [123456.0, 0.5]})
    cells = _cells(table_html(df))
    assert cells[:6] == ["1234567", "1,234,567", "98765", "1000", "10000", "123,456"]
    assert cells[6:] == ["42", "42", "", "", "20000", "0.5"]
    # id cells are text (left-aligned), counts numbers
    assert '<td class="num">1,234,567</td>' in table_html(df) and "<td>1234567</td>" in table_html(df)
    assert all(is_id_column(c) for c in ("member_id", "subforum_id", "hub", "successor", "B member_id"))
    assert not any(is_id_column(c) for c in ("posts", "rank", "leader_rank", "score"))


def test_text_ids_are_escaped():
    cells = _cells(table_html(pd.DataFrame({"member_id": ["<b>x</b>", "007"]})))
    assert cells == ["&lt;b&gt;x&lt;/b&gt;", "007"]


def _big_ids_forum():
    from test_forum_validation import base_tables

    t = base_tables()
    shift = 1_000_000
    t["members"]["member_id"] += shift
    t["threads"]["author_id"] += shift
    t["posts"]["author_id"] += shift
    t["messages"][["sender_id", "recipient_id"]] += shift
    return na.read_forum(t)


def test_reports_print_large_member_ids_without_separators(tmp_path):
    forum = _big_ids_forum()
    data = na.write_forum(forum, tmp_path / "ds")
    result = na.analyze(data, tmp_path / "out", top=4, stability_repeats=0)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    ids = [str(m) for m in result.key_actors["member_id"]]
    assert ids and all(f">{m}<" in page for m in ids)
    assert not re.search(r"1,000,1\d\d", page)
    profile = na.member_profile(forum, 1_000_101)
    write_member_report(profile, tmp_path / "member", dataset_name=str(data))
    member_page = (tmp_path / "member" / "report.html").read_text(encoding="utf-8")
    assert "1000100" in member_page and not re.search(r"1,000,1\d\d", member_page)
