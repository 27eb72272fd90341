"""The validate and pseudonymize commands, end to end in-process."""
from __future__ import annotations

import pandas as pd
import pytest

from netanalysis import read_forum, write_forum
from netanalysis.cli import main

from test_forum_validation import base_tables

KEY = b"a-secret-key-of-32-bytes-0123456"


@pytest.fixture
def dataset(tmp_path):
    return write_forum(read_forum(base_tables()), tmp_path / "ds")


def test_validate_valid(dataset, capsys):
    assert main(["validate", str(dataset)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("valid: <Forum: 4 members")
    assert "posts" in out and "7" in out


def test_validate_invalid_lists_problems_and_exits_2(dataset, capsys):
    posts = pd.read_csv(dataset / "posts.csv")
    posts.loc[3, "reply_to"] = 999
    posts.loc[5, "created_at"] = "not a time"
    posts.to_csv(dataset / "posts.csv", index=False)
    assert main(["validate", str(dataset)]) == 2
    out = capsys.readouterr().out
    assert "2 problems" in out
    assert "posts.reply_to: reply to a post that does not exist: 1 row (rows 3)" in out
    assert "posts.created_at: unparseable timestamp" in out


def test_validate_missing_folder_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nothing")]) == 2
    assert "no dataset folder" in capsys.readouterr().out


def test_pseudonymize_round_trip(dataset, tmp_path, capsys):
    (tmp_path / "key").write_bytes(KEY)
    before = {p.name: p.read_bytes() for p in dataset.iterdir()}
    out = tmp_path / "pseudo"
    assert main(["pseudonymize", str(dataset), str(out), "--key-file", str(tmp_path / "key")]) == 0
    assert {p.name: p.read_bytes() for p in dataset.iterdir()} == before   # input untouched
    p = read_forum(out)
    assert p.members["member_id"].str.startswith("m_").all()
    assert len(p.posts) == 7
    # same key, same pseudonyms in a second run
    assert main(["pseudonymize", str(dataset), str(tmp_path / "again"), "--key-file", str(tmp_path / "key")]) == 0
    assert (out / "members.csv").read_bytes() == (tmp_path / "again" / "members.csv").read_bytes()


def test_pseudonymize_refuses_unsafe_outputs(dataset, tmp_path, capsys):
    (tmp_path / "key").write_bytes(KEY)
    key = ["--key-file", str(tmp_path / "key")]
    assert main(["pseudonymize", str(dataset), str(dataset / "inside"), *key]) == 2
    assert "must not be the dataset folder" in capsys.readouterr().err
    assert main(["pseudonymize", str(dataset), str(dataset), *key]) == 2
    existing = tmp_path / "exists"
    existing.mkdir()
    assert main(["pseudonymize", str(dataset), str(existing), *key]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert main(["pseudonymize", str(dataset), str(existing), *key, "--force"]) == 0
    (tmp_path / "short").write_bytes(b"short")
    assert main(["pseudonymize", str(dataset), str(tmp_path / "o2"), "--key-file", str(tmp_path / "short")]) == 2
    assert "at least 16 bytes" in capsys.readouterr().err
    assert not (dataset / "inside").exists()
