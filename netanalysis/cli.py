"""The ``netanalysis`` command line.

Every command reads local files and writes local files; nothing goes over a
network.

Exit codes: 0 success; 2 the user's to fix (invalid data, a bad option, an
output location that cannot or must not be written, an operating-system
error such as a full disk, which is named with its path); 3 an internal
error of netanalysis (a bug: rerun with ``--debug`` for the traceback);
128 + the signal's number when stopped by SIGINT (130), SIGTERM (143) or
SIGHUP (129); 141 when the reader of the output went away (``| head``).
Errors are one message on stderr, without a traceback unless ``--debug``.

Every option and the output location are checked before any work. Outputs
are written into a temporary folder that becomes the output in one rename,
never inside the input dataset; one run at a time may write an output (the
others are refused); ``--force`` replaces only a folder that netanalysis
wrote (it holds the marker file ``.netanalysis-output``) or an empty one.
"""
from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import os
import re
import signal
import sys
import threading
from pathlib import Path

from . import __version__
from .forum import ForumDataError, pseudonymize, read_forum, read_key, write_forum
from .forum.validate import dataset_files, dataset_source
from ._io import (
    MARKER, Interrupted, OutputError, atomic_folder, check_output, check_stop, clear_stop, is_inside,
    output_lock, remove_stale_temporaries, request_stop,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 2, 2, 3
EXIT_BROKEN_PIPE = 128 + 13
#: The largest seed (numpy's and networkx's generators take 32-bit seeds).
MAX_SEED = 2**32 - 1
DROPPED_FILE = "dropped.csv"
CLEARED_FILE = "cleared.csv"


class UserError(Exception):
    """An error caused by the user's input: printed without a traceback."""


# -- option types (checked by argparse, before any work) -------------------------------------
def _whole(text: str) -> int:
    try:
        return int(text, 10)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None


def _seed(text: str) -> int:
    value = _whole(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must lie between 0 and {MAX_SEED} (2**32 - 1), not {value}")
    return value


def _at_least(low: int, hint: str = ""):
    def check(text: str) -> int:
        value = _whole(text)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}{hint}, not {value}")
        return value
    check.__name__ = f"whole number >= {low}"
    return check


# -- records options (those of read_forum) ---------------------------------------------
_TIME_COLUMNS = ("posts.created_at", "threads.created_at", "members.joined_at", "members.last_seen_at",
                 "messages.created_at")
_TIME_TABLES = ("posts", "threads", "members", "messages")
_NAME = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?\s*")
UNITS = {"s": "Unix seconds", "ms": "Unix milliseconds", "us": "Unix microseconds", "ns": "Unix nanoseconds"}


def _per_time_column(check):
    """An option value ``VALUE`` (every time column) or ``TABLE=VALUE`` or
    ``TABLE.COLUMN=VALUE``, as a pair (None, the table or "table.column"; value)."""
    def parse(text: str):
        key, value = None, text
        left, eq, right = text.partition("=")
        if eq and _NAME.fullmatch(left):
            key, value = left.strip(), right
            if key not in _TIME_TABLES and key not in _TIME_COLUMNS:
                raise argparse.ArgumentTypeError(
                    f"{key!r} is not a table with times or a time column; choose from "
                    f"{', '.join(_TIME_TABLES + _TIME_COLUMNS)}")
        check(value)
        return key, value
    parse.__name__ = check.__name__
    return parse


def _time_unit(value: str) -> None:
    if value not in UNITS:
        raise argparse.ArgumentTypeError(
            f"unknown unit {value!r}; choose from {', '.join(f'{u} ({w})' for u, w in UNITS.items())}, "
            "for every time column or as TABLE=UNIT or TABLE.COLUMN=UNIT")


def _time_format(value: str) -> None:
    from .forum.validate import _check_format

    try:
        _check_format(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a strftime format such as '%Y%m%d' or '%d.%m.%Y %H:%M' (give it for every time "
            "column or as TABLE=FORMAT or TABLE.COLUMN=FORMAT)") from None


def _encoding(text: str) -> str:
    try:
        info = codecs.lookup(text)
    except LookupError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a known text encoding (e.g. utf-8, latin-1, cp1252, "
                                         "utf-16)") from None
    if not getattr(info, "_is_text_encoding", True):
        raise argparse.ArgumentTypeError(f"{text!r} is not a text encoding (it encodes bytes as bytes)")
    return text


def _combined(pairs, option: str):
    """The values of a repeated --time-unit or --time-format as read_forum's
    ``time_unit`` or ``time_format``: one value, or a mapping per table and
    column (a plain VALUE for every table, overridden by TABLE= and
    TABLE.COLUMN=)."""
    if not pairs:
        return None
    given: dict = {}
    for key, value in pairs:
        if key in given:
            raise UserError(f"{option}: given more than once for {key or 'every time column'}")
        given[key] = value
    if list(given) == [None]:
        return given[None]
    out = {t: given[None] for t in _TIME_TABLES} if None in given else {}
    out.update({k: v for k, v in given.items() if k is not None})
    return out


def _read_options(args) -> dict:
    """The records options given (those of read_forum), checked before any
    work; only those given, so that defaults stay the library's."""
    from .forum.validate import check_read_options

    on_error = getattr(args, "on_error", "raise")
    options = {}
    if args.orphans is not None:
        if on_error != "drop":
            raise UserError("--orphans: applies only with --on-error drop (it says what happens to the replies "
                            "to a dropped post)")
        options["orphans"] = args.orphans
    unit = _combined(args.time_unit, "--time-unit")
    if unit is not None:
        options["time_unit"] = unit
    fmt = _combined(args.time_format, "--time-format")
    if fmt is not None:
        options["time_format"] = fmt
    if args.encoding is not None:
        options["encoding"] = args.encoding
    if args.follow_links:
        options["follow_links"] = True
    try:
        check_read_options(on_error=on_error, **options)
    except (ValueError, TypeError) as exc:  # the option types check the same; kept for safety
        raise UserError(str(exc)) from None
    return options


#: The library's words in messages, as the command line's options.
_HINTS = (
    (re.compile(r"time_unit='(\w+)'"), r"--time-unit \1"),
    (re.compile(r"time_format='([^']*)'"), r"--time-format '\1'"),
    (re.compile(r"\btime_unit="), "--time-unit"),
    (re.compile(r"\btime_format="), "--time-format"),
    (re.compile(r"\bpass encoding="), "pass --encoding"),
    (re.compile(r"\(read_forum\(\.\.\., follow_links=True\)\)"), "(--follow-links)"),
)


def _as_options(text: str) -> str:
    """A records message with read_forum's parameter names replaced by the options of the command line."""
    for pattern, repl in _HINTS:
        text = pattern.sub(repl, text)
    return text


def _add_read_options(p: argparse.ArgumentParser, drop_mode: bool) -> None:
    g = p.add_argument_group("reading the dataset")
    g.add_argument("--time-unit", type=_per_time_column(_time_unit), action="append", metavar="[TABLE=]UNIT",
                   help="unit of numeric times: s, ms, us or ns (Unix seconds...); for every time column, or "
                        "per table or column as TABLE=UNIT or TABLE.COLUMN=UNIT (repeatable). Without it numbers "
                        "are Unix seconds and numbers that are not plausibly seconds are refused")
    g.add_argument("--time-format", type=_per_time_column(_time_format), action="append",
                   metavar="[TABLE=]FORMAT",
                   help="strftime format of times not written in ISO 8601, e.g. '%%Y%%m%%d' or "
                        "'%%d.%%m.%%Y %%H:%%M' (naive times are UTC); for every time column, or as TABLE=FORMAT "
                        "or TABLE.COLUMN=FORMAT (repeatable)")
    g.add_argument("--encoding", type=_encoding, metavar="NAME",
                   help="text encoding of the CSV files (default: utf-8), e.g. latin-1, cp1252, utf-16")
    g.add_argument("--follow-links", action="store_true",
                   help="read tables that are symbolic links to files outside the dataset folder "
                        "(refused by default)")
    g.add_argument("--orphans", choices=("drop", "detach"),
                   help="with --on-error drop: drop the replies to a dropped post and everything below them "
                        "(drop, the default) or keep them with reply_to cleared (detach; listed in "
                        + ("OUT/cleared.csv" if drop_mode else "the report") + ")")


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message (exit code 2)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- output folders ------------------------------------------------------------------------
#: The output of the running command and whether it is complete (for the
#: message of a stop signal).
_target: dict = {"out": None, "written": False}


@contextlib.contextmanager
def _output(out: Path, inputs, force: bool):
    """Check the output location, take the lock on it and remove stale
    temporaries of dead runs, before any work."""
    _target.update(out=out, written=False)
    check_output(out, overwrite=force, inputs=inputs)
    with output_lock(out):
        check_output(out, overwrite=force, inputs=inputs)
        remove_stale_temporaries(out)
        yield
        _target["written"] = True


def _interrupted_message(signum: int) -> str:
    name = signal.Signals(signum).name
    out = _target["out"]
    if out is None:
        return f"interrupted by {name}"
    if _target["written"]:
        return f"interrupted by {name} after the output {out} was written completely"
    return f"interrupted by {name}; no output written to {out} (a previous output there is unchanged)"


def _say_warnings(command: str, report) -> None:
    """The validation warnings (kept data worth knowing of: ids that differ
    only by spaces or Unicode form) on the terminal, one line each."""
    for w in getattr(report, "warnings", ()):
        print(f"netanalysis {command}: warning: {w}", file=sys.stderr)


def _say_dropped(command: str, dropped, where: Path, cleared=None) -> None:
    """Tell on the terminal how many rows were dropped (and replies kept with
    reply_to cleared) and where they are listed."""
    if dropped is not None and len(dropped):
        counts = dropped.groupby("table", sort=True).size()
        per = ", ".join(f"{t} {n}" for t, n in counts.items())
        n = int(len(dropped))
        print(f"netanalysis {command}: warning: {n} invalid row{'s' if n != 1 else ''} dropped ({per}); "
              f"each is listed in {where}", file=sys.stderr)
    if cleared is not None and len(cleared):
        n = int(len(cleared))
        print(f"netanalysis {command}: warning: {n} repl{'ies' if n != 1 else 'y'} to dropped posts kept with "
              f"reply_to cleared (--orphans detach); each is listed in {where.with_name(CLEARED_FILE)}",
              file=sys.stderr)


def _dropped(report, which: str = "dropped"):
    """The report's dropped (or cleared) rows as a DataFrame, or None when there are none."""
    import pandas as pd

    dropped = getattr(report, which, None)
    if not isinstance(dropped, pd.DataFrame) or dropped.empty:
        return None
    first = [c for c in ("table", "row", "key", "column", "problem") if c in dropped.columns]
    return dropped[first + [c for c in dropped.columns if c not in first]].reset_index(drop=True)


# -- commands ------------------------------------------------------------------
def cmd_validate(args) -> int:
    options = _read_options(args)
    try:
        forum = read_forum(args.dataset, on_error=args.on_error, **options)
    except ForumDataError as exc:
        print(_as_options(str(exc)), file=sys.stdout)
        return EXIT_INVALID
    dropped = len(forum.report.dropped)
    if dropped:
        print(f"valid after dropping {dropped} invalid row{'s' if dropped != 1 else ''} (--on-error drop): "
              f"{forum!r}")
    else:
        print(f"valid: {forum!r}")
    print(forum.report)
    print(forum.summary().to_string())
    return EXIT_OK


def _id_kinds(text: str):
    from .forum.pseudonymize import KINDS

    if text == "all":
        return "all"
    kinds = [k.strip() for k in text.split(",")]
    unknown = [k for k in kinds if k not in KINDS and k != "all"]
    if unknown or not kinds:
        raise UserError(f"--ids: unknown id kind(s) {', '.join(repr(k) for k in unknown)}; "
                        f"choose from {', '.join(KINDS)}, comma-separated, or 'all'")
    return "all" if "all" in kinds else kinds


def _pseudonymised_dropped(dropped, key: bytes, kinds):
    """``dropped`` with the keys of pseudonymised kinds replaced by their
    pseudonyms, so that dropped.csv holds no original identifier the output
    does not."""
    import pandas as pd

    from .forum.pseudonymize import KINDS, pseudonym_map
    from .forum.schema import ID_KIND, KEY

    chosen = set(KINDS) if kinds == "all" else set(kinds)
    keys = dropped["key"].astype(object).copy()
    for table in dropped["table"].unique():
        kind = ID_KIND.get((table, KEY.get(table)))
        rows = (dropped["table"] == table).to_numpy()
        if kind in chosen:
            values = keys[rows]
            present = values.notna().to_numpy()
            mapping = pseudonym_map(values[present], key, kind)
            mapped = values.copy()
            mapped[present] = [mapping.loc[v] for v in values[present]]
            keys[rows] = mapped
    return dropped.assign(key=pd.Series(keys, index=dropped.index, dtype=object))


def cmd_pseudonymize(args) -> int:
    src, out = dataset_source(args.dataset), Path(args.out)
    kinds = _id_kinds(args.ids)
    key_file = Path(args.key_file)
    if is_inside(key_file, out):
        raise UserError(f"the key file {key_file} must not lie in the output folder {out}")
    options = _read_options(args)
    try:
        key = read_key(key_file)
    except ValueError as exc:
        raise UserError(f"--key-file: {exc}") from None
    with _output(out, dataset_files(src), args.force):
        forum = read_forum(src, on_error=args.on_error, **options)
        pseudo = pseudonymize(forum, key, kinds=kinds)
        fmt = args.format or _format_of(src)
        dropped, cleared = _dropped(forum.report), _dropped(forum.report, "cleared")
        extra = {}
        if dropped is not None:
            extra["dropped"] = _pseudonymised_dropped(dropped, key, kinds)
        if cleared is not None:
            extra["cleared"] = _pseudonymised_dropped(cleared, key, kinds)
        write_forum(pseudo, out, format=fmt, overwrite=args.force, marker="pseudonymized", inputs=[src],
                    extra=extra)
    print(f"pseudonymised {args.ids} ids of {forum!r} into {out}")
    _say_warnings("pseudonymize", forum.report)
    _say_dropped("pseudonymize", dropped, out / DROPPED_FILE, cleared)
    return EXIT_OK


def _format_of(folder) -> str:
    """The tables' format of a dataset folder (CSV for anything else, a database included)."""
    folder = Path(folder)
    return "parquet" if folder.is_dir() and (any(folder.glob("posts.parquet")) or any(folder.glob("posts.pq"))) \
        else "csv"


def _preset(name: str) -> str:
    import synthetic

    if name not in synthetic.PRESETS:
        raise UserError(f"--preset: unknown preset {name!r}; presets are {', '.join(synthetic.PRESETS)}")
    return name


def cmd_generate(args) -> int:
    # The generator lives beside the library; the CLI is the only place that
    # reaches it, so the library itself never depends on synthetic data.
    import synthetic

    out = Path(args.out)
    _preset(args.preset)
    with _output(out, [], args.force):
        forum, truth = synthetic.generate_forum(args.preset, seed=args.seed, difficulty=args.difficulty)
        synthetic.write_dataset(forum, truth, out, format=args.format, overwrite=args.force, marker="dataset")
    print(f"generated {args.preset} (seed {args.seed}, {args.difficulty}): {forum!r} into {out}")
    return EXIT_OK


def _show_progress(args) -> bool | str:
    """How analyze shows its stages: a bar on a terminal, else (a log
    file, a pipe, a batch job) one line per finished stage on stderr;
    nothing with ``--quiet``."""
    if args.quiet:
        return False
    return True if sys.stderr.isatty() else "lines"


def cmd_analyze(args) -> int:
    from .report.analyze import analyze, check_parameters

    if len(args.dataset) > 1:
        return _analyze_fora(args)
    src, out = dataset_source(args.dataset[0]), Path(args.out)
    try:
        check_parameters(graph=args.graph, top=args.top, seed=args.seed, format=args.format,
                         on_error=args.on_error, stability_repeats=args.stability_repeats)
    except ValueError as exc:  # the option types check the same; kept for safety
        raise UserError(str(exc)) from None
    options = _read_options(args)
    with _cluster(args), _output(out, dataset_files(src), args.force):
        result = analyze(
            src, out, graph=args.graph, top=args.top, seed=args.seed, format=args.format,
            on_error=args.on_error, stability_repeats=args.stability_repeats,
            progress=_show_progress(args), force=args.force, read_options=options,
            over_time=args.over_time,
        )
    if not args.quiet:
        print(f"analysed {result.forum!r}: {result.graph!r}")
        print(f"report: {(out / 'report.html').resolve()}")
    _say_warnings("analyze", result.forum.report)
    _say_dropped("analyze", _dropped(result.forum.report), out / DROPPED_FILE, _dropped(result.forum.report, "cleared"))
    return EXIT_OK


@contextlib.contextmanager
def _cluster(args):
    """``--workers N`` / ``--scheduler ADDRESS``: the heavy computations of
    the block on a Dask cluster (:func:`netanalysis.distributed.cluster`;
    the same results as in this process); neither: this process, no Dask."""
    if (args.workers or 1) <= 1 and not args.scheduler:
        yield None
        return
    from .distributed import cluster

    try:
        ctx = cluster(workers=args.workers, scheduler=args.scheduler)
        session = ctx.__enter__()
    except ImportError as exc:
        raise UserError(f"--workers/--scheduler: {exc}") from None
    except OSError as exc:
        raise UserError(f"--scheduler {args.scheduler}: cannot connect ({exc})") from None
    try:
        yield session
    except BaseException:
        if not ctx.__exit__(*sys.exc_info()):
            raise
    else:
        ctx.__exit__(None, None, None)


def _analyze_fora(args) -> int:
    """``netanalysis analyze A B ... --out OUT``: each dataset into OUT/<name>/
    and the combined report (netanalysis.report.multiforum)."""
    from .report.analyze import check_parameters
    from .report.multiforum import analyze_fora, prepare

    out = Path(args.out)
    try:
        check_parameters(graph=args.graph, top=args.top, seed=args.seed, format=args.format,
                         on_error=args.on_error, stability_repeats=args.stability_repeats)
        names, sources = prepare(args.dataset)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    options = _read_options(args)
    inputs = [f for src in sources for f in dataset_files(src)]
    with _cluster(args), _output(out, inputs, args.force):
        result = analyze_fora(
            dict(zip(names, sources)), out, graph=args.graph, top=args.top, seed=args.seed, format=args.format,
            on_error=args.on_error, stability_repeats=args.stability_repeats,
            # the bar on a terminal only: analyze_fora takes progress as a
            # bool, and would draw a bar into a log for "lines"
            progress=_show_progress(args) is True, force=args.force, read_options=options,
            over_time=args.over_time,
        )
    if not args.quiet:
        for name, analysis in result.analyses.items():
            print(f"analysed {name}: {analysis.forum!r}: {analysis.graph!r}")
        link = result.summary["linking"]
        print(f"linked across fora: {link['linked_members']} members, {link['active_in_several']} active in more "
              f"than one forum, {link['key_actors_active_in_several']} of them key actors")
        print(f"report: {(out / 'report.html').resolve()}")
    for name, analysis in result.analyses.items():
        _say_warnings(f"analyze ({name})", analysis.forum.report)
        _say_dropped(f"analyze ({name})", _dropped(analysis.forum.report), out / name / DROPPED_FILE,
                     _dropped(analysis.forum.report, "cleared"))
    for w in result.warnings:
        print(f"netanalysis analyze: warning: {w}", file=sys.stderr)
    return EXIT_OK


def cmd_demo(args) -> int:
    import synthetic

    from .report.analyze import analyze

    out = Path(args.out)
    _preset(args.preset)
    with _output(out, [], args.force):
        forum, truth = synthetic.generate_forum(args.preset, seed=args.seed)
        # The dataset and its analysis appear together, or not at all.
        with atomic_folder(out, overwrite=args.force, marker="demo") as tmp:
            synthetic.write_dataset(forum, truth, tmp / "dataset", format="parquet", marker="dataset")
            if not args.quiet:
                print(f"generated the synthetic {args.preset} forum (seed {args.seed}): {forum!r}")
            result = analyze(tmp / "dataset", tmp / "analysis", seed=args.seed, progress=_show_progress(args),
                             dataset_name=str(out / "dataset"))
    if not args.quiet:
        print(f"analysed: {result.graph!r}; time per stage (s): {result.timings}")
        print(f"report: {(out / 'analysis' / 'report.html').resolve()}")
    return EXIT_OK


def _say_dropped_count(command: str, report) -> None:
    """How many rows --on-error drop dropped (commands that write no dropped.csv)."""
    n = len(getattr(report, "dropped", ()))
    if n:
        print(f"netanalysis {command}: warning: {n} invalid row{'s' if n != 1 else ''} dropped (--on-error drop; "
              "netanalysis validate --on-error drop lists them)", file=sys.stderr)


def cmd_member(args) -> int:
    from .forum.database import source_label
    from .graphs.ego import UnknownMemberError
    from .report.member import member_profile, write_member_report

    src, out = dataset_source(args.dataset), Path(args.out)
    options = _read_options(args)
    with _output(out, dataset_files(src), args.force):
        forum = read_forum(src, on_error=args.on_error, **options)
        try:
            profile = member_profile(forum, args.member, radius=args.radius, seed=args.seed)
        except UnknownMemberError as exc:
            raise UserError(str(exc)) from None
        write_member_report(profile, out, force=args.force, inputs=[src], dataset_name=source_label(src))
    if not args.quiet:
        print(profile.describe())
        print(f"report: {(out / 'report.html').resolve()}")
    _say_warnings("member", forum.report)
    _say_dropped_count("member", forum.report)
    return EXIT_OK


def cmd_connect(args) -> int:
    from .graphs.ego import UnknownMemberError
    from .graphs.paths import connection

    options = _read_options(args)
    forum = read_forum(args.dataset, on_error=args.on_error, **options)
    try:
        found = connection(forum, args.a, args.b, k=args.k, time_respecting=args.time_respecting,
                           directed=args.directed)
    except UnknownMemberError as exc:
        raise UserError(str(exc)) from None
    print(found.describe())
    _say_warnings("connect", forum.report)
    _say_dropped_count("connect", forum.report)
    return EXIT_OK


# -- parser ----------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="netanalysis",
        description="Structural analysis of online-forum interaction networks (offline; no content needed).",
        epilog=f"--force replaces only a folder written by netanalysis (it holds {MARKER}) or an empty folder. "
               "Exit codes: 0 done, 2 invalid input, option or output location (or an OS error such as a full "
               "disk), 3 internal error, 128+N stopped by signal N.",
    )
    p.add_argument("--version", action="version", version=f"netanalysis {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    p.add_argument("--threads", type=_whole, metavar="N",
                   help="threads of the compiled kernels (default: every core); results do not depend on it")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check a dataset folder; exit 0 when valid, 2 when not")
    v.add_argument("dataset", help="folder with posts.csv|parquet and optional threads, subforums, members, messages")
    v.add_argument("--on-error", choices=("raise", "drop"), default="raise",
                   help="invalid rows: report them and exit 2 (raise, default), or show what --on-error drop "
                        "would drop and exit 0")
    _add_read_options(v, drop_mode=False)
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("pseudonymize", help="replace ids with keyed HMAC-SHA256 pseudonyms")
    s.add_argument("dataset", help="input dataset folder (never written to)")
    s.add_argument("out", help="output dataset folder (created)")
    s.add_argument("--key-file", required=True,
                   help="file holding the secret key, at least 16 bytes (a final newline is not part of it); "
                        "at most 1 MiB is read and a longer file is refused; from a device or pipe such as "
                        "/dev/urandom exactly the first 64 bytes are read (a one-off key: its pseudonyms "
                        "cannot be made again)")
    s.add_argument("--ids", default="member",
                   help="comma-separated id kinds: member, post, thread, subforum, message, or 'all' (default: member)")
    s.add_argument("--format", choices=("csv", "parquet"), help="output format (default: that of the input)")
    s.add_argument("--on-error", choices=("raise", "drop"), default="raise",
                   help="invalid rows: stop (raise, default) or drop them; each dropped row is listed in "
                        "OUT/dropped.csv (its key pseudonymised)")
    s.add_argument("--force", action="store_true",
                   help=f"replace an existing output folder written by netanalysis (holding {MARKER})")
    _add_read_options(s, drop_mode=True)
    s.set_defaults(func=cmd_pseudonymize)

    g = sub.add_parser("generate", help="write a synthetic forum with ground truth")
    g.add_argument("--preset", default="tiny", help="forum-a, forum-b, forum-c, forum-d, tiny, mega (default: tiny)")
    g.add_argument("--seed", type=_seed, default=0, help=f"seed of the generator, 0 to {MAX_SEED} (default: 0)")
    g.add_argument("--difficulty", choices=("easy", "realistic", "hard"), default="realistic")
    g.add_argument("--out", required=True, help="output dataset folder (created)")
    g.add_argument("--format", choices=("csv", "parquet"), default="csv")
    g.add_argument("--force", action="store_true",
                   help=f"replace an existing output folder written by netanalysis (holding {MARKER})")
    g.set_defaults(func=cmd_generate)

    a = sub.add_parser("analyze", help="graphs, centrality, roles, key actors, disruption and an HTML report")
    a.add_argument("dataset", nargs="+",
                   help="dataset folder (never written to); several datasets are each analysed into "
                        "OUT/NAME/ (NAME: the folder's or file's name) with a combined report OUT/report.html "
                        "of the members linked across the fora (same member id)")
    a.add_argument("--out", required=True, help="output folder (created)")
    a.add_argument("--graph", choices=("reply", "coparticipation"), default="reply",
                   help="graph of the measures (default: reply)")
    a.add_argument("--top", type=_at_least(1), default=50, help="length of the key-actor list, at least 1 (default: 50)")
    a.add_argument("--seed", type=_seed, default=0,
                   help=f"seed of every random choice, 0 to {MAX_SEED} (default: 0)")
    a.add_argument("--format", choices=("csv", "parquet"), default="csv", help="format of the tables (default: csv)")
    a.add_argument("--on-error", choices=("raise", "drop"), default="raise",
                   help="invalid rows: stop (raise, default) or drop them; each dropped row is listed in "
                        "OUT/dropped.csv and their number is shown")
    a.add_argument("--stability-repeats", type=_at_least(0, " (0 skips it)"), default=10,
                   help="resamples behind the stability column (default: 10; 0 to skip)")
    a.add_argument("--over-time", action=argparse.BooleanOptionalAction, default=None,
                   help="add the report's over-time section and its tables (trajectory_*.csv, rolling.csv, "
                        "rises.csv, succession.csv): monthly activity trajectories (Poisson, quadratic, 1 to 5 "
                        "groups by BIC), reply-graph centrality in 90-day windows every 30 days with the key "
                        "actors' ranks, members whose structural rise came before their status, and who took "
                        "over from key actors who went quiet (default: on when the posts span at least a year)")
    a.add_argument("--workers", type=_at_least(1), default=1,
                   help="run the heavy computations on a local Dask cluster of this many worker processes "
                        "(same results as in one process; needs netanalysis[distributed]; default: 1, no cluster)")
    a.add_argument("--scheduler", metavar="ADDRESS",
                   help="run them on the running Dask cluster at ADDRESS (tcp://host:8786) instead")
    a.add_argument("--quiet", action="store_true", help="print nothing but errors and warnings")
    a.add_argument("--force", action="store_true",
                   help=f"replace an existing output folder written by netanalysis (holding {MARKER})")
    _add_read_options(a, drop_mode=True)
    a.set_defaults(func=cmd_analyze)

    mp = sub.add_parser("member", help="one member's full picture: a one-member HTML report and tables")
    mp.add_argument("dataset", help="dataset folder (never written to)")
    mp.add_argument("member", help="the member's id")
    mp.add_argument("--out", required=True, help="output folder (created)")
    mp.add_argument("--radius", type=_at_least(0), default=1, help="radius of the ego network in hops (default: 1)")
    mp.add_argument("--seed", type=_seed, default=0, help=f"seed of the communities, 0 to {MAX_SEED} (default: 0)")
    mp.add_argument("--on-error", choices=("raise", "drop"), default="raise",
                    help="invalid rows: stop (raise, default) or drop them (their number is shown)")
    mp.add_argument("--quiet", action="store_true", help="print nothing but errors and warnings")
    mp.add_argument("--force", action="store_true",
                    help=f"replace an existing output folder written by netanalysis (holding {MARKER})")
    _add_read_options(mp, drop_mode=False)
    mp.set_defaults(func=cmd_member)

    cp = sub.add_parser("connect", help="how two members are connected: the shortest chains of replies between them")
    cp.add_argument("dataset", help="dataset folder (never written to)")
    cp.add_argument("a", help="the first member's id")
    cp.add_argument("b", help="the second member's id")
    cp.add_argument("--k", type=_at_least(1), default=3, help="number of paths, at least 1 (default: 3)")
    cp.add_argument("--time-respecting", action="store_true",
                    help="only paths in which each step's post is later than the previous step's")
    cp.add_argument("--directed", action="store_true",
                    help="follow replies in their direction (each step from a member to one they answered); "
                         "by default a step joins two members when either answered the other")
    cp.add_argument("--on-error", choices=("raise", "drop"), default="raise",
                    help="invalid rows: stop (raise, default) or drop them (their number is shown)")
    _add_read_options(cp, drop_mode=False)
    cp.set_defaults(func=cmd_connect)

    d = sub.add_parser("demo", help="generate a synthetic forum, analyse it and write the report")
    d.add_argument("--out", default="demo-output", help="output folder (default: demo-output)")
    d.add_argument("--preset", default="forum-c", help="synthetic preset (default: forum-c)")
    d.add_argument("--seed", type=_seed, default=0, help=f"seed, 0 to {MAX_SEED} (default: 0)")
    d.add_argument("--quiet", action="store_true")
    d.add_argument("--force", action="store_true",
                   help=f"replace an existing output folder written by netanalysis (holding {MARKER})")
    d.set_defaults(func=cmd_demo)
    return p


def _set_threads(n: int) -> None:
    import numba

    most = numba.config.NUMBA_NUM_THREADS
    if not 1 <= n <= most:
        raise UserError(f"--threads must lie between 1 and {most} (the cores numba found), not {n}")
    numba.set_num_threads(n)


# -- signals, pipes and errors -----------------------------------------------------
_HANDLED = tuple(getattr(signal, s) for s in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, s))


@contextlib.contextmanager
def _signals_as_exceptions():
    """SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` (those of
    them not ignored when the run started), and are
    recorded so that a stop whose exception was swallowed somewhere (a
    weakref callback) is still acted on at the next check
    (:func:`netanalysis.forum.writers.check_stop`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        request_stop(signum)
        raise Interrupted(signum)

    def unraisable(hook_args, default=sys.unraisablehook):
        # An Interrupted raised where Python cannot propagate it is acted on
        # later (check_stop); it is not worth a traceback on the terminal.
        if not isinstance(hook_args.exc_value, Interrupted):
            default(hook_args)

    old = {}
    old_hook = sys.unraisablehook
    clear_stop()
    try:
        sys.unraisablehook = unraisable
        for s in _HANDLED:
            # A signal ignored when the run started (nohup, a background job
            # of a shell) stays ignored: the caller asked for that.
            if signal.getsignal(s) is signal.SIG_IGN:
                continue
            old[s] = signal.signal(s, handler)
        yield
        check_stop()
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        sys.unraisablehook = old_hook
        clear_stop()


def _silence_stdout() -> None:
    """After a broken pipe: send what is left of stdout nowhere, so that the
    interpreter's final flush raises nothing."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _os_message(exc: OSError) -> str:
    what = exc.strerror or str(exc)
    paths = [p for p in (exc.filename, getattr(exc, "filename2", None)) if p]
    if not paths:
        return what
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what += " (the disk is full)"
    return f"{what}: {' -> '.join(str(p) for p in paths)}"


def _error(command: str, text: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(f"netanalysis{' ' + command if command else ''}: {text}", file=sys.stderr)
        sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or an option error (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    command = getattr(args, "command", "") or ""
    try:
        with _signals_as_exceptions():
            try:
                if args.threads is not None:
                    _set_threads(args.threads)
                code = args.func(args)
                sys.stdout.flush()
                return code
            except KeyboardInterrupt:
                raise Interrupted(signal.SIGINT) from None
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Interrupted as exc:
        _error(command, _interrupted_message(exc.signum))
        return 128 + exc.signum
    except (UserError, ForumDataError, OutputError) as exc:
        if args.debug:
            raise
        _error(command, f"error: {_as_options(str(exc)) if isinstance(exc, ForumDataError) else exc}")
        return EXIT_USAGE
    except OSError as exc:
        if args.debug:
            raise
        _error(command, f"error: {_os_message(exc)}")
        return EXIT_USAGE
    except MemoryError:
        if args.debug:
            raise
        _error(command, "error: not enough memory for this dataset (try a machine with more memory)")
        return EXIT_USAGE
    except Exception as exc:  # a bug of ours, not the user's input
        if args.debug:
            raise
        _error(command, f"internal error: {type(exc).__name__}: {exc}. This is a bug in netanalysis, "
                        "not a problem of your input; rerun with --debug for the traceback and report it")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
