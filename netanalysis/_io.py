"""Output files and folders, for every writer of the library and the command
line (:mod:`netanalysis.forum.writers`, :mod:`netanalysis.report`,
:mod:`netanalysis.cli`): one table (:func:`write_table`, byte for byte
reproducible, formula-safe CSV on request), one output folder
(:func:`atomic_folder`), the checks on an output location
(:func:`check_output`, :func:`is_inside`) and the stop signals of a run.

Every output folder is written the same way (:func:`atomic_folder`):

* the output location is checked before any work (:func:`check_output`): an
  existing output is refused unless ``overwrite``, and even then only a folder
  that a netanalysis command wrote (it holds the marker file
  :data:`MARKER`), or an empty folder, is replaced;
* one run at a time writes an output: an exclusive lock on ``.OUT.lock``
  beside it (:func:`output_lock`); a second run is refused at once;
* the files are written into a temporary folder ``.OUT.<pid>.<random>.tmp``
  beside the output, which becomes the output in one rename (on Linux an
  atomic exchange with the previous output), so that the output appears
  complete or not at all; on any failure the temporary folder is removed and
  a previous output is left as it was. Temporary folders of runs that died
  without cleaning up (their process no longer exists) are removed by the next
  run into the same output.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import secrets
import shutil
import signal
import threading
from pathlib import Path
from typing import Iterable, Iterator, Literal, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "write_table", "atomic_folder", "naming_failures", "is_inside", "check_output", "output_lock",
    "OutputError", "OutputExistsError", "OutputWriteError", "MARKER", "formula_safe", "remove_stale_temporaries",
    "Interrupted", "request_stop", "check_stop", "clear_stop",
]

#: Name of the marker file written into every output folder of the command
#: line (a small JSON object: ``{"netanalysis": <kind>, "version": ...}``).
#: ``--force`` replaces only a folder that holds it (or an empty folder).
MARKER = ".netanalysis-output"


class OutputError(ValueError):
    """The output location cannot be used (exists, is not a netanalysis
    output, is locked by another run, cannot be written): the user's to fix."""


class OutputExistsError(OutputError, FileExistsError):
    """The output exists and replacing it was not asked for."""


class OutputWriteError(OutputError, OSError):
    """Writing the output failed (a full disk, a read-only file system...);
    the previous output, if any, is unchanged. Keeps the ``errno`` and
    ``filename`` of the operating system's error."""

    def __init__(self, target, cause: OSError):
        OSError.__init__(self, cause.errno, cause.strerror, cause.filename)
        what = cause.strerror or str(cause)
        if cause.errno in (errno.ENOSPC, errno.EDQUOT):
            what += ", the disk is full"
        where = f" ({cause.filename})" if cause.filename else ""
        self.message = (f"cannot write output {target}: {what}{where}; "
                        "nothing was written and a previous output is unchanged")

    def __str__(self) -> str:
        return self.message


class Interrupted(BaseException):
    """A stop signal (SIGINT, SIGTERM, SIGHUP) arrived: unwind, removing
    temporaries, and exit. Raised by the command line's signal handler."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


#: The first stop signal received and not yet acted on (set by the command
#: line's signal handler), so that a stop whose exception was swallowed
#: (raised inside a weakref callback, say) is still acted on.
_pending_signal: int | None = None


def request_stop(signum: int) -> None:
    """Record a stop signal; :func:`check_stop` then raises :class:`Interrupted`."""
    global _pending_signal
    if _pending_signal is None:
        _pending_signal = int(signum)


def clear_stop() -> None:
    global _pending_signal
    _pending_signal = None


def check_stop() -> None:
    """Raise :class:`Interrupted` when a stop signal was received."""
    if _pending_signal is not None:
        raise Interrupted(_pending_signal)


def is_inside(path, folder) -> bool:
    """True when ``path`` is ``folder`` or lies inside it (after resolving links)."""
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


# -- the output location ---------------------------------------------------------------
def _marker_kind(folder: Path) -> str | None:
    """The kind recorded in ``folder``'s marker file, or None without a valid one."""
    marker = folder / MARKER
    try:
        if marker.is_symlink() or not marker.is_file() or marker.stat().st_size > 4096:
            return None
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = data.get("netanalysis") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


def _replaceable(target: Path, own_files: Iterable[str] | None) -> str | None:
    """None when ``target`` may be replaced; else why not."""
    if target.is_symlink():
        return "is a symbolic link"
    if not target.is_dir():
        return "is not a folder"
    if _marker_kind(target) is not None:
        return None
    try:
        entries = list(os.scandir(target))
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not entries:
        return None
    if own_files is not None:
        own = set(own_files)
        if all(e.name in own and e.is_file(follow_symlinks=False) for e in entries):
            return None
    return f"is not a netanalysis output (it has no {MARKER} file)"


def _existing_ancestor(path: Path) -> Path:
    p = path
    while not os.path.lexists(p):
        if p.parent == p:
            break
        p = p.parent
    return p


def check_output(target, *, overwrite: bool = False, inputs: Iterable = (),
                 own_files: Iterable[str] | None = None) -> None:
    """Refuse an output location that cannot or must not be written, before
    any work is done.

    Raises :class:`OutputError` when ``target`` is or contains one of
    ``inputs`` or lies inside one; when its nearest existing ancestor is not a
    folder or cannot be written; when it exists and ``overwrite`` is false
    (:class:`OutputExistsError`); and when it exists but is not a netanalysis
    output (no :data:`MARKER` file; an empty folder is replaced; so is, when
    ``own_files`` is given, a folder holding only files of those names).
    """
    target = Path(target)
    for src in inputs:
        if src is not None and (is_inside(target, src) or is_inside(src, target)):
            raise OutputError(f"output {target} must not be the dataset folder, inside it, or contain it")
    if os.path.lexists(target):
        if not overwrite:
            raise OutputExistsError(f"output {target} exists; choose another folder or pass --force")
        why = _replaceable(target, own_files)
        if why is not None:
            raise OutputError(
                f"output {target} exists and {why}; --force replaces only a folder written by netanalysis "
                f"(holding {MARKER}) or an empty folder. Choose another output folder or remove it yourself"
            )
    parent = _existing_ancestor(target.absolute().parent)
    if not parent.is_dir():
        raise OutputError(f"cannot create output {target}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot create output {target}: no permission to write into {parent}")


# -- one run at a time -------------------------------------------------------------------
_held: dict[tuple[str, int], list] = {}
_held_guard = threading.Lock()


def _lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def output_lock(target) -> Iterator[Path]:
    """Hold an exclusive lock on writing ``target`` (``flock`` on the file
    ``.<name>.lock`` beside it); refuse at once with :class:`OutputError` when
    another run holds it.

    Missing parent folders are created (and removed again if they are still
    empty when the lock is released without an output). Re-entrant in one
    thread; the lock file is removed when the lock is released.
    """
    target = Path(os.path.abspath(target))
    lock = _lock_path(target)
    key = (str(lock), threading.get_ident())
    with _held_guard:
        if key in _held:
            _held[key][1] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield lock
        finally:
            with _held_guard:
                _held[key][1] -= 1
        return
    created = _make_parents(target.parent)
    fd = None
    try:
        while True:
            try:
                fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise OutputError(f"cannot create output {target}: cannot write {lock} ({exc.strerror})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                fd = None
                raise OutputError(
                    f"another netanalysis run is writing {target} (it holds {lock}); "
                    "wait for it to finish or choose another output folder") from None
            # The file may have been removed (and another made) by the run that
            # held it before us: then lock the new one.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(lock))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
            fd = None
        os.write(fd, f"{os.getpid()}\n".encode())
        with _held_guard:
            _held[key] = [fd, 1]
        yield lock
    finally:
        with _signals_blocked():
            with _held_guard:
                _held.pop(key, None)
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.unlink(lock)
                os.close(fd)
            if not os.path.lexists(target):
                for folder in reversed(created):
                    with contextlib.suppress(OSError):
                        os.rmdir(folder)


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return those created, outermost first."""
    missing = []
    p = folder
    while not os.path.lexists(p) and p.parent != p:
        missing.append(p)
        p = p.parent
    created = []
    for p in reversed(missing):
        try:
            os.mkdir(p)
        except FileExistsError:
            continue
        except OSError as exc:
            for q in reversed(created):
                with contextlib.suppress(OSError):
                    os.rmdir(q)
            raise OutputError(f"cannot create the folder {p} ({exc.strerror})") from None
        created.append(p)
    return created


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(target) -> list[Path]:
    """Remove the temporary folders ``.<name>.<pid>.<random>.tmp`` beside
    ``target`` left by runs whose process no longer exists; return them."""
    target = Path(os.path.abspath(target))
    prefix = f".{target.name}."
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for e in entries:
        name = e.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid = name[len(prefix):-len(".tmp")].split(".", 1)[0]
        if not pid.isdigit() or _pid_alive(int(pid)):
            continue
        if e.is_dir(follow_symlinks=False):
            shutil.rmtree(e.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(e.path)
        removed.append(Path(e.path))
    return removed


# -- the atomic write -----------------------------------------------------------------------
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` atomically (Linux ``renameat2``); False when the
    system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


_SIGNALS = tuple(getattr(signal, s) for s in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, s))


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Delay SIGINT, SIGTERM and SIGHUP while the output is being swapped."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _write_marker(folder: Path, kind: str) -> None:
    try:
        from netanalysis import __version__ as ver
    except ImportError:  # pragma: no cover
        ver = "unknown"
    text = json.dumps({"netanalysis": kind, "version": ver}, sort_keys=True) + "\n"
    (folder / MARKER).write_text(text, encoding="utf-8")


def _replace(tmp: Path, target: Path) -> None:
    """Make the complete folder ``tmp`` the output ``target``."""
    with _signals_blocked():
        if not os.path.lexists(target):
            os.rename(tmp, target)
            return
        if _exchange(tmp, target):
            # tmp now holds the previous output.
            shutil.rmtree(tmp, ignore_errors=True)
            return
        old = target.with_name(f".{target.name}.{os.getpid()}.old")
        os.rename(target, old)
        try:
            os.rename(tmp, target)
        except BaseException:
            os.rename(old, target)
            raise
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_folder(target, *, overwrite: bool = False, marker: str | None = None,
                  inputs: Iterable = (), own_files: Iterable[str] | None = None) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it becomes
    ``target`` in one rename, on failure it is removed.

    The location is checked first (:func:`check_output`: an existing
    ``target`` is refused unless ``overwrite``, and replaced only when it is a
    netanalysis output), the output is locked (:func:`output_lock`), stale
    temporaries of dead runs are removed, and ``marker`` (the kind of output,
    e.g. ``"analysis"``), when given, is written as the :data:`MARKER` file.
    A previous ``target`` is replaced only once the new folder is complete,
    and is left intact by any failure.
    """
    target = Path(target)
    check_output(target, overwrite=overwrite, inputs=inputs, own_files=own_files)
    with output_lock(target):
        # Checked again under the lock: another run may have finished meanwhile.
        check_output(target, overwrite=overwrite, inputs=inputs, own_files=own_files)
        remove_stale_temporaries(target)
        parent = Path(os.path.abspath(target)).parent
        tmp = parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            os.mkdir(tmp, 0o700)
        except OSError as exc:
            raise OutputError(f"cannot create output {target}: cannot write into {parent} ({exc.strerror})") from None
        try:
            yield tmp
            if marker is not None:
                _write_marker(tmp, marker)
            os.chmod(tmp, 0o755 & ~_umask())
            check_stop()
            _replace(tmp, Path(os.path.abspath(target)))
        except OutputError:
            _remove(tmp)
            raise
        except OSError as exc:
            _remove(tmp)
            raise OutputWriteError(target, exc) from exc
        except BaseException:
            _remove(tmp)
            raise


def _remove(tmp: Path) -> None:
    """Remove a temporary folder, not to be interrupted by a stop signal."""
    with _signals_blocked():
        shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def naming_failures(out: Path):
    """Yield ``writing(tmp, name)``, which returns ``tmp / name`` and
    remembers it; an ``OSError`` that names no file (a full disk while
    writing, say) is raised again naming ``out / name``, the file that could
    not be written."""
    current: list[str] = []   # the file being written

    def writing(tmp: Path, name: str) -> Path:
        current[:] = [name]
        return tmp / name

    try:
        yield writing
    except OSError as exc:
        if exc.filename is None and exc.errno is not None and current:
            raise OSError(exc.errno, exc.strerror, str(out / current[0])) from exc
        raise


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 UTC text ("2013-01-01T10:00:00Z"), whole
    seconds when no value has a fraction."""
    out = {}
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            values = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
            ns = values.view(np.int64)
            whole = bool(np.all((ns % 1_000_000_000 == 0) | s.isna().to_numpy()))
            text = np.datetime_as_string(values, unit="s" if whole else "us")
            text = np.char.add(text.astype(str), "Z")
            out[col] = pd.Series(text, index=s.index).where(s.notna())
        else:
            out[col] = s
    return pd.DataFrame(out)


#: First characters that make a spreadsheet read a CSV cell as a formula
#: (and the quote itself, so that the change can be undone).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def formula_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a single quote ``'`` put before every text value that
    begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a
    quote, so that a spreadsheet opening the CSV file shows the text instead
    of evaluating a formula (CSV injection). Numbers are left as they are;
    removing one leading quote gives the value back.

    Examples
    --------
    >>> formula_safe(pd.DataFrame({"id": ["=1+1", "ann", "-x", "'q"], "n": [-1, 2, 3, 4]}))
          id  n
    0  '=1+1 -1
    1    ann  2
    2    '-x  3
    3    ''q  4
    """
    out = {}
    changed = False
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            text = s.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v,
                         na_action="ignore")
            if not text.equals(s):
                s, changed = text.astype(object if pd.api.types.is_object_dtype(s.dtype) else s.dtype), True
        out[col] = s
    return pd.DataFrame(out, index=df.index) if changed else df


def write_table(df: pd.DataFrame, path: Path, fmt: Literal["csv", "parquet"], *, safe_csv: bool = False) -> None:
    """Write one table; the same frame always gives the same bytes.

    ``safe_csv``: in CSV, text values that a spreadsheet would read as a
    formula get a leading ``'`` (:func:`formula_safe`); Parquet is written as
    it is.
    """
    if fmt == "csv":
        df = _csv_ready(df)
        if safe_csv:
            df = formula_safe(df)
        df.to_csv(path, index=False, lineterminator="\n")
    elif fmt == "parquet":
        table = pa.Table.from_pandas(df, preserve_index=False)
        # pandas' schema metadata is dropped so that the file holds only
        # what is needed to read it back, the same in every run.
        table = table.replace_schema_metadata(None)
        pq.write_table(table, path, compression="zstd")
    else:
        raise ValueError(f"format must be 'csv' or 'parquet', not {fmt!r}")
