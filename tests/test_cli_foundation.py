"""The validate and pseudonymize commands, end to end in-process."""
from __future__ import annotations

import pandas as pd

from netanalysis import read_forum
from netanalysis.cli import main

KEY = b"a-secret-key-of-32-bytes-0123456"


def test_validate_valid(valid_dataset, capsys):
    assert main(["validate", str(valid_dataset)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("valid: <Forum: 4 members")
    assert "posts" in out and "7" in out


def test_validate_invalid_lists_problems_and_exits_2(valid_dataset, capsys):
    posts = pd.read_csv(valid_dataset / "posts.csv")
    posts.loc[3, "reply_to"] = 999
    posts.loc[5, "created_at"] = "not a time"
    posts.to_csv(valid_dataset / "posts.csv", index=False)
    assert main(["validate", str(valid_dataset)]) == 2
    out = capsys.readouterr().out
    assert "2 problems" in out
    assert "posts.reply_to: reply to a post that does not exist: 1 row (rows 3)" in out
    assert "posts.created_at: unparseable timestamp" in out


def test_validate_missing_folder_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nothing")]) == 2
    assert "no dataset folder" in capsys.readouterr().out


def test_pseudonymize_round_trip(valid_dataset, tmp_path, capsys):
    (tmp_path / "key").write_bytes(KEY)
    before = {p.name: p.read_bytes() for p in valid_dataset.iterdir()}
    out = tmp_path / "pseudo"
    assert main(["pseudonymize", str(valid_dataset), str(out), "--key-file", str(tmp_path / "key")]) == 0
    assert {p.name: p.read_bytes() for p in valid_dataset.iterdir()} == before   # input untouched
    p = read_forum(out)
    assert p.members["member_id"].str.startswith("m_").all()
    assert len(p.posts) == 7
    # same key, same pseudonyms in a second run
    assert main(["pseudonymize", str(valid_dataset), str(tmp_path / "again"), "--key-file", str(tmp_path / "key")]) == 0
    assert (out / "members.csv").read_bytes() == (tmp_path / "again" / "members.csv").read_bytes()


def test_pseudonymize_refuses_unsafe_outputs(valid_dataset, tmp_path, capsys):
    (tmp_path / "key").write_bytes(KEY)
    key = ["--key-file", str(tmp_path / "key")]
    assert main(["pseudonymize", str(valid_dataset), str(valid_dataset / "inside"), *key]) == 2
    assert "must not be the dataset folder" in capsys.readouterr().err
    assert main(["pseudonymize", str(valid_dataset), str(valid_dataset), *key]) == 2
    existing = tmp_path / "exists"
    existing.mkdir()
    assert main(["pseudonymize", str(valid_dataset), str(existing), *key]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert main(["pseudonymize", str(valid_dataset), str(existing), *key, "--force"]) == 0
    (tmp_path / "short").write_bytes(b"short")
    assert main(["pseudonymize", str(valid_dataset), str(tmp_path / "o2"), "--key-file", str(tmp_path / "short")]) == 2
    assert "at least 16 bytes" in capsys.readouterr().err
    assert not (valid_dataset / "inside").exists()
