"""The ``netanalysis`` command line.

Every command reads local files and writes local files; nothing goes over a
network. Bad input ends with one readable message and exit code 2 (a
traceback only with ``--debug``). Outputs are written atomically and never
inside the input dataset.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .forum import ForumDataError, pseudonymize, read_forum, read_key, write_forum
from .forum.writers import is_inside

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 2, 2


class UserError(Exception):
    """An error caused by the user's input: printed without a traceback."""


def _out_folder(out: Path, dataset: Path | None, force: bool) -> None:
    if dataset is not None and (is_inside(out, dataset) or is_inside(dataset, out)):
        raise UserError(f"output {out} must not be the dataset folder, inside it, or contain it")
    if out.exists() and not force:
        raise UserError(f"output {out} exists; choose another folder or pass --force")


# -- commands ------------------------------------------------------------------
def cmd_validate(args) -> int:
    try:
        forum = read_forum(args.dataset, on_error="raise")
    except ForumDataError as exc:
        print(str(exc), file=sys.stdout)
        return EXIT_INVALID
    print(f"valid: {forum!r}")
    print(forum.report)
    print(forum.summary().to_string())
    return EXIT_OK


def cmd_pseudonymize(args) -> int:
    src, out = Path(args.dataset), Path(args.out)
    _out_folder(out, src, args.force)
    key_file = Path(args.key_file)
    if is_inside(key_file, out):
        raise UserError("the key file must not lie in the output folder")
    key = read_key(key_file)
    forum = read_forum(src, on_error=args.on_error)
    kinds = args.ids.split(",") if args.ids != "all" else "all"
    pseudo = pseudonymize(forum, key, kinds=kinds)
    fmt = args.format or _format_of(src)
    write_forum(pseudo, out, format=fmt, overwrite=args.force)
    print(f"pseudonymised {args.ids} ids of {forum!r} into {out}")
    return EXIT_OK


def _format_of(folder: Path) -> str:
    return "parquet" if any(folder.glob("posts.parquet")) or any(folder.glob("posts.pq")) else "csv"


def cmd_generate(args) -> int:
    # The generator lives beside the library; the CLI is the only place that
    # reaches it, so the library itself never depends on synthetic data.
    import synthetic

    out = Path(args.out)
    _out_folder(out, None, args.force)
    forum, truth = synthetic.generate_forum(args.preset, seed=args.seed, difficulty=args.difficulty)
    synthetic.write_dataset(forum, truth, out, format=args.format, overwrite=args.force)
    print(f"generated {args.preset} (seed {args.seed}, {args.difficulty}): {forum!r} into {out}")
    return EXIT_OK


def _show_progress(args) -> bool:
    return not args.quiet and sys.stderr.isatty()


def cmd_analyze(args) -> int:
    from .report.analyze import analyze

    src, out = Path(args.dataset), Path(args.out)
    _out_folder(out, src, args.force)
    result = analyze(
        src, out, graph=args.graph, top=args.top, seed=args.seed, format=args.format,
        on_error=args.on_error, stability_repeats=args.stability_repeats,
        progress=_show_progress(args), force=args.force,
    )
    if not args.quiet:
        print(f"analysed {result.forum!r}: {result.graph!r}")
        print(f"report: {(out / 'report.html').resolve()}")
    return EXIT_OK


def cmd_demo(args) -> int:
    import synthetic

    from .report.analyze import analyze

    out = Path(args.out)
    _out_folder(out, None, args.force)
    dataset, analysis = out / "dataset", out / "analysis"
    forum, truth = synthetic.generate_forum(args.preset, seed=args.seed)
    synthetic.write_dataset(forum, truth, dataset, format="parquet", overwrite=args.force)
    if not args.quiet:
        print(f"generated the synthetic {args.preset} forum (seed {args.seed}): {forum!r}")
    result = analyze(dataset, analysis, seed=args.seed, progress=_show_progress(args), force=args.force)
    if not args.quiet:
        print(f"analysed: {result.graph!r}; time per stage (s): {result.timings}")
        print(f"report: {(analysis / 'report.html').resolve()}")
    return EXIT_OK


# -- parser ----------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="netanalysis",
        description="Structural analysis of online-forum interaction networks (offline; no content needed).",
    )
    p.add_argument("--version", action="version", version=f"netanalysis {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    p.add_argument("--threads", type=int, metavar="N",
                   help="threads of the compiled kernels (default: every core); results do not depend on it")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check a dataset folder; exit 0 when valid, 2 when not")
    v.add_argument("dataset", help="folder with posts.csv|parquet and optional threads, subforums, members, messages")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("pseudonymize", help="replace ids with keyed HMAC-SHA256 pseudonyms")
    s.add_argument("dataset", help="input dataset folder (never written to)")
    s.add_argument("out", help="output dataset folder (created)")
    s.add_argument("--key-file", required=True, help="file holding the secret key (at least 16 bytes)")
    s.add_argument("--ids", default="member",
                   help="comma-separated id kinds: member, post, thread, subforum, message, or 'all' (default: member)")
    s.add_argument("--format", choices=("csv", "parquet"), help="output format (default: that of the input)")
    s.add_argument("--on-error", choices=("raise", "drop"), default="raise",
                   help="what to do with invalid rows (default: raise)")
    s.add_argument("--force", action="store_true", help="replace an existing output folder")
    s.set_defaults(func=cmd_pseudonymize)

    g = sub.add_parser("generate", help="write a synthetic forum with ground truth")
    g.add_argument("--preset", default="tiny", help="forum-a, forum-b, forum-c, forum-d, tiny, mega (default: tiny)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--difficulty", choices=("easy", "realistic", "hard"), default="realistic")
    g.add_argument("--out", required=True, help="output dataset folder (created)")
    g.add_argument("--format", choices=("csv", "parquet"), default="csv")
    g.add_argument("--force", action="store_true", help="replace an existing output folder")
    g.set_defaults(func=cmd_generate)

    a = sub.add_parser("analyze", help="graphs, centrality, roles, key actors, disruption and an HTML report")
    a.add_argument("dataset", help="dataset folder (never written to)")
    a.add_argument("--out", required=True, help="output folder (created)")
    a.add_argument("--graph", choices=("reply", "coparticipation"), default="reply",
                   help="graph of the measures (default: reply)")
    a.add_argument("--top", type=int, default=50, help="length of the key-actor list (default: 50)")
    a.add_argument("--seed", type=int, default=0, help="seed of every random choice (default: 0)")
    a.add_argument("--format", choices=("csv", "parquet"), default="csv", help="format of the tables (default: csv)")
    a.add_argument("--on-error", choices=("raise", "drop"), default="raise",
                   help="invalid rows: stop (raise, default) or drop them and record each")
    a.add_argument("--stability-repeats", type=int, default=10,
                   help="resamples behind the stability column (default: 10; 0 to skip)")
    a.add_argument("--quiet", action="store_true", help="print nothing but errors")
    a.add_argument("--force", action="store_true", help="replace an existing output folder")
    a.set_defaults(func=cmd_analyze)

    d = sub.add_parser("demo", help="generate a synthetic forum, analyse it and write the report")
    d.add_argument("--out", default="demo-output", help="output folder (default: demo-output)")
    d.add_argument("--preset", default="forum-c", help="synthetic preset (default: forum-c)")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--quiet", action="store_true")
    d.add_argument("--force", action="store_true", help="replace an existing output folder")
    d.set_defaults(func=cmd_demo)
    return p


def _set_threads(n: int) -> None:
    import numba

    most = numba.config.NUMBA_NUM_THREADS
    if not 1 <= n <= most:
        raise UserError(f"--threads must lie between 1 and {most} (the cores numba found), not {n}")
    numba.set_num_threads(n)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.threads is not None:
            _set_threads(args.threads)
        return args.func(args)
    except (UserError, ForumDataError, FileExistsError, FileNotFoundError, ValueError) as exc:
        if args.debug:
            raise
        print(f"netanalysis {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
