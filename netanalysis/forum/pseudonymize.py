"""Keyed pseudonymisation of forum identifiers (HMAC-SHA256).

A pseudonym is ``prefix + hex(HMAC-SHA256(key, kind + "\\x00" + str(id)))[:20]``:
the same key gives the same pseudonym for the same id in every run and every
dataset (so pseudonymised datasets can still be linked by whoever holds the
key), and without the key there is no way back other than guessing ids one by
one through the HMAC, which the key's secrecy prevents. The kind of id
(member, post, thread...) is part of the message, so the member ``42`` and
the post ``42`` get unrelated pseudonyms.

Twenty hex digits are 80 bits: a collision among a million ids has a chance
below 10^-12. Injectivity is still checked, never assumed.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pandas as pd

from .model import Forum
from .schema import ID_KIND, TABLES

__all__ = ["pseudonymize", "pseudonym_map", "read_key", "MIN_KEY_BYTES", "MAX_KEY_FILE_BYTES"]

MIN_KEY_BYTES = 16
DIGITS = 20
PREFIX = {"member": "m_", "post": "p_", "thread": "t_", "subforum": "s_", "message": "x_"}
KINDS = tuple(PREFIX)


def _check_key(key) -> bytes:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError("key must be bytes or str")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(
            f"key is {len(key)} bytes; a key of at least {MIN_KEY_BYTES} bytes is required "
            "(for example 32 random bytes: `head -c 32 /dev/urandom > key`)"
        )
    return bytes(key)


#: A key file is read up to this many bytes; a longer regular file is refused.
MAX_KEY_FILE_BYTES = 1 << 20
#: Bytes taken from a key "file" that is a device or a pipe (``/dev/urandom``).
STREAM_KEY_BYTES = 64


def read_key(path) -> bytes:
    """Read a key file. A final newline (as editors add) is not part of the key.

    At most ``MAX_KEY_FILE_BYTES`` (1 MiB) are read: a longer regular
    file is refused (it is most likely not a key). From a device or a pipe
    (``/dev/urandom``) exactly the first ``STREAM_KEY_BYTES`` (64) bytes
    are the key; such a key is gone after the run, so its pseudonyms cannot be
    made again. Raises ``ValueError`` naming the path when the file is a
    folder, cannot be read or holds too short a key.
    """
    path = Path(path)
    try:
        with open(path, "rb", buffering=0) as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise ValueError(f"key file {path} is a folder, not a file")
            if stat.S_ISREG(st.st_mode):
                key = _read_at_most(fh, MAX_KEY_FILE_BYTES + 1)
                if len(key) > MAX_KEY_FILE_BYTES:
                    raise ValueError(f"key file {path} is larger than {MAX_KEY_FILE_BYTES} bytes (1 MiB); "
                                     "is it really the key?")
            else:
                key = _read_at_most(fh, STREAM_KEY_BYTES)
    except IsADirectoryError:
        raise ValueError(f"key file {path} is a folder, not a file") from None
    except OSError as exc:
        raise ValueError(f"cannot read key file {path}: {exc.strerror or exc}") from None
    if stat.S_ISREG(st.st_mode):
        key = key[:-2] if key.endswith(b"\r\n") else key[:-1] if key.endswith(b"\n") else key
    try:
        return _check_key(key)
    except ValueError as exc:
        raise ValueError(f"key file {path}: {exc}") from None


def _read_at_most(fh, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        chunk = fh.read(n - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def pseudonym_map(ids, key, kind: str = "member") -> pd.Series:
    """The pseudonym of each distinct id, as a Series indexed by id.

    Examples
    --------
    >>> m = pseudonym_map([7, 8, 7], b"0123456789abcdef")
    >>> len(m), m.index.tolist(), m.str.len().tolist(), m.iloc[0][:2]
    (2, [7, 8], [22, 22], 'm_')
    >>> m.equals(pseudonym_map([8, 7], b"0123456789abcdef").loc[[7, 8]])
    True
    """
    key = _check_key(key)
    if kind not in PREFIX:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    distinct = pd.unique(pd.Series(ids).dropna())
    tag = kind.encode() + b"\x00"
    mac = hmac.new(key, digestmod=hashlib.sha256)
    prefix = PREFIX[kind]
    names = []
    for value in distinct:
        h = mac.copy()
        h.update(tag + str(value).encode("utf-8"))
        names.append(prefix + h.hexdigest()[:DIGITS])
    out = pd.Series(names, index=pd.Index(distinct), dtype=pd.StringDtype("pyarrow"), name="pseudonym")
    if out.duplicated().any():  # pragma: no cover - 80-bit collision
        raise RuntimeError("pseudonym collision: use a longer DIGITS setting")
    return out


def pseudonymize(forum: Forum, key, *, kinds=("member",)) -> Forum:
    """Replace identifiers with keyed pseudonyms.

    Parameters
    ----------
    forum : Forum
    key : bytes or str
        The secret key, at least 16 bytes. Keep it apart from the data.
    kinds : iterable of str
        Which identifiers to replace: ``"member"`` (default; member, author,
        sender and recipient ids), and any of ``"post"``, ``"thread"``,
        ``"subforum"``, ``"message"``, or ``"all"``.

    Returns
    -------
    Forum
        The same forum with replaced ids (string ids); its report notes what
        was pseudonymised. Subforum names are kept unless subforums are
        pseudonymised, in which case they are removed.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.forum import read_forum
    >>> f = read_forum({"posts": pd.DataFrame({"post_id": [1, 2], "thread_id": [1, 1],
    ...     "author_id": ["ann", "bob"], "created_at": [0, 60], "reply_to": [None, 1]})})
    >>> p = pseudonymize(f, b"a key of sixteen+ bytes")
    >>> p.members["member_id"].str.startswith("m_").all(), len(p.members)
    (np.True_, 2)
    >>> p.posts["reply_to"].tolist()
    [<NA>, 1]
    """
    key = _check_key(key)
    kinds = set(KINDS) if kinds == "all" or "all" in kinds else set(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(f"unknown id kinds {sorted(unknown)}; choose from {', '.join(KINDS)} or 'all'")
    tables = forum.tables()
    maps = {}
    for kind in kinds:
        values = [tables[t][c] for (t, c), k in ID_KIND.items() if k == kind]
        maps[kind] = pseudonym_map(pd.concat(values, ignore_index=True), key, kind)
    for (table, column), kind in ID_KIND.items():
        if kind in maps:
            df = tables[table]
            tables[table] = df.assign(**{column: df[column].map(maps[kind]).astype(maps[kind].dtype)})
    if "subforum" in kinds:
        tables["subforums"] = tables["subforums"].assign(name=pd.NA).astype({"name": pd.StringDtype("pyarrow")})
    report = forum.report.with_notes(f"identifiers pseudonymised with HMAC-SHA256: {', '.join(sorted(kinds))}")
    return Forum(*(tables[t] for t in TABLES), report, forum.provided)
