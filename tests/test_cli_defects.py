"""Issue 18 defects whose fixes had no test of their own: GraphML with
control characters in ids (15), a key file that is a device (16) and a
closed pipe on the terminal side (19)."""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from netanalysis.forum.pseudonymize import MAX_KEY_FILE_BYTES, STREAM_KEY_BYTES, read_key
from netanalysis.graphs import InteractionGraph
from netanalysis.report.graphml import write_graphml

NETANALYSIS = [sys.executable, "-m", "netanalysis.cli"]


def test_graphml_of_ids_with_control_characters_is_valid_xml(tmp_path):
    """Ids holding NUL, other C0 controls, a lone surrogate's replacement and
    XML's own specials make a file that an XML parser (and networkx, as
    Gephi would) reads back, each id recoverable as written in the file."""
    ids = ["plain", "nul\x00id", "bell\x07", "tab\tand\nnewline", "<&>\"'", "\x1b[31mred"]
    n = len(ids)
    a = sp.csr_array((np.ones(n), (np.arange(n), (np.arange(n) + 1) % n)), shape=(n, n))
    path = write_graphml(InteractionGraph(a, ids, directed=True), tmp_path / "g.graphml")
    ET.parse(path)                                   # raises on invalid XML
    g = nx.read_graphml(path)
    assert g.number_of_nodes() == n and g.number_of_edges() == n
    raw = path.read_bytes()
    assert b"\x00" not in raw and b"\x07" not in raw and b"\x1b" not in raw


def test_key_file_from_a_device_reads_a_bounded_key():
    """/dev/urandom is endless: exactly STREAM_KEY_BYTES are read."""
    if not Path("/dev/urandom").exists():
        pytest.skip("no /dev/urandom on this system")
    key = read_key("/dev/urandom")
    assert len(key) == STREAM_KEY_BYTES


def test_key_file_too_large_or_a_folder_is_refused(tmp_path):
    big = tmp_path / "big"
    big.write_bytes(b"k" * (MAX_KEY_FILE_BYTES + 1))
    with pytest.raises(ValueError, match="larger than"):
        read_key(big)
    with pytest.raises(ValueError, match="folder"):
        read_key(tmp_path)


def test_closed_pipe_ends_quietly(tmp_path):
    """`netanalysis validate DS | head -1`: the reader goes away (here before
    the first line, so that every write of the report meets a closed pipe);
    no BrokenPipeError traceback on stderr."""
    ds = tmp_path / "ds"
    subprocess.run([*NETANALYSIS, "generate", "--preset", "tiny", "--seed", "1", "--out", str(ds)],
                   check=True, capture_output=True, timeout=300)
    proc = subprocess.Popen([*NETANALYSIS, "validate", str(ds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    proc.stdout.close()                              # as `head` does once it has its lines
    _, err = proc.communicate(timeout=300)
    assert err == b"", err.decode()                  # no traceback, no "internal error" either
    assert proc.returncode == 128 + 13                # as a shell reports a run ended by SIGPIPE
