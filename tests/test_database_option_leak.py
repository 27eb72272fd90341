"""A folder option given with a server URL is refused without echoing the
URL's credentials (the message names the server by its label)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from netanalysis import read_forum
from netanalysis.forum import ForumDataError


def test_folder_option_with_server_url_hides_the_password():
    with pytest.raises(ForumDataError) as err:
        read_forum("mysql://reader:s3cret@db.example:3307/forum", encoding="latin-1")
    text = str(err.value)
    assert "s3cret" not in text and "reader" not in text
    assert "encoding" in text and "db.example:3307/forum" in text


def test_cli_folder_option_with_server_url_hides_the_password(tmp_path):
    run = subprocess.run([sys.executable, "-m", "netanalysis.cli", "analyze",
                          "mysql://reader:s3cret@db.example:3307/forum", "--encoding", "latin-1",
                          "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert run.returncode != 0
    assert "s3cret" not in run.stdout + run.stderr
    assert "Traceback" not in run.stderr
