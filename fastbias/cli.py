"""The ``fastbias`` command: run, resume, report and reproduce experiments.

::

    fastbias run [CONFIG.toml] [--out DIR] [--force] [--quick] [--n-iter N]
    fastbias resume DIR [--n-iter N]
    fastbias report DIR [DIR ...]
    fastbias reproduce [--quick] [--out DIR]
    fastbias init-config [PATH] [--force]
    fastbias bench [...]

Exit status: 0 success, 1 a claim failed or a run could not continue, 2 bad
config or usage, 130 stopped by Ctrl-C (state saved; the resume command is printed).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

__all__ = ["main"]

EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _n_iter(text: str) -> int:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number such as 1e8, got {text!r}") from None
    if not (x >= 1 and x.is_integer() and x < 2**62):
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1 such as 1e8, got {text!r}")
    return int(x)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fastbias",
        description="Convergence experiments on the implicit bias of GD and SGD under ReLU models.",
    )
    from fastbias import __version__

    p.add_argument("--version", action="version", version=f"fastbias {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser(
        "run",
        help="run an experiment config (default: the paper's headline experiment)",
        description="Run the experiment of a TOML config into a new run directory. With no "
        "config: the paper's headline experiment (see `fastbias init-config`).",
    )
    r.add_argument("config", nargs="?", help="TOML config (default: the built-in headline experiment)")
    r.add_argument("--out", help="run directory to create (default: runs/<name>-<date>-<time>)")
    r.add_argument("--force", action="store_true", help="overwrite an existing run directory")
    r.add_argument("--quick", action="store_true", help="cap every run at 10^6 iterations (a quick look)")
    r.add_argument("--n-iter", type=_n_iter, help="set every run's iterations (e.g. 1e6)")
    r.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bars (default: when stderr is a terminal)",
    )

    s = sub.add_parser(
        "resume",
        help="continue a stopped run directory, or extend a finished one",
        description="Continue every unfinished run of DIR from its last good state; with "
        "--n-iter, extend the runs to N iterations without redoing work.",
    )
    s.add_argument("dir", help="run directory")
    s.add_argument("--n-iter", type=_n_iter, help="extend every run to N iterations (e.g. 1e10)")
    s.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)

    rep = sub.add_parser(
        "report",
        help="rebuild summaries and figures from saved results; compare runs",
        description="Rebuild summary.json and figures of each run from its saved results and "
        "print a table; several directories are compared side by side.",
    )
    rep.add_argument("dirs", nargs="+", metavar="DIR", help="run directories (or run sub-directories)")
    rep.add_argument("--no-figures", action="store_true", help="skip the figures")

    c = sub.add_parser(
        "reproduce",
        help="check every checkable claim of the paper",
        description="Run every checkable claim of the paper, print a table of claims, "
        "criteria, measurements and verdicts, and write figures. Exit status 1 "
        "if any claim fails.",
    )
    c.add_argument("--quick", action="store_true", help="short runs (under 3 minutes on 2 cores)")
    c.add_argument("--out", help="output directory (default: runs/reproduce-<date>-<time>)")
    c.add_argument("--force", action="store_true", help="overwrite an existing output directory")
    c.add_argument("--only", help="comma-separated claim ids to run (e.g. C3,C5)")
    c.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)

    i = sub.add_parser(
        "init-config",
        help="write a commented example config",
        description="Write the built-in headline experiment as a commented TOML config.",
    )
    i.add_argument(
        "path",
        nargs="?",
        default="fastbias.toml",
        help="where to write it (default fastbias.toml; '-' for stdout)",
    )
    i.add_argument("--force", action="store_true", help="overwrite an existing file")

    sub.add_parser("bench", help="benchmarks (fastbias.bench; arguments are passed on)", add_help=False)
    return p


def _default_out(name: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = Path("runs") / f"{name}-{stamp}"
    out, k = base, 2
    while out.exists():
        out = base.with_name(f"{base.name}-{k}")
        k += 1
    return out


def _error(msg: str) -> None:
    print(f"fastbias: error: {msg}", file=sys.stderr)


def _cmd_run(args, argv: list[str]) -> int:
    from fastbias.experiment import ConfigError, ExperimentError, create_experiment, execute, load_config

    try:
        spec, text = load_config(args.config)
    except ConfigError as exc:
        _error(f"{args.config or 'default config'}: {exc}")
        return EXIT_USAGE
    cap = args.n_iter if args.n_iter is not None else (10**6 if args.quick else None)
    if cap is not None:
        for r in spec.runs:
            r.n_iter = cap if args.n_iter is not None else min(r.n_iter, cap)
    out = Path(args.out) if args.out else _default_out(spec.name)
    try:
        directory = create_experiment(
            out, spec, text, force=args.force, command="fastbias " + " ".join(shlex.quote(a) for a in argv)
        )
    except ExperimentError as exc:
        _error(str(exc))
        return EXIT_USAGE
    print(f"run directory: {directory}")
    try:
        return execute(directory, progress=args.progress)
    except ExperimentError as exc:
        _error(str(exc))
        return EXIT_FAIL


def _cmd_resume(args) -> int:
    from fastbias.experiment import ExperimentError, StateError, execute

    try:
        return execute(Path(args.dir), extend_to=args.n_iter, progress=args.progress, resumed=True)
    except (ExperimentError, StateError) as exc:
        _error(str(exc))
        return EXIT_FAIL


def _cmd_report(args) -> int:
    from fastbias.experiment import ExperimentError, StateError
    from fastbias.experiment.report import report

    try:
        report([Path(d) for d in args.dirs], figures=not args.no_figures)
    except (ExperimentError, StateError) as exc:
        _error(str(exc))
        return EXIT_FAIL
    return 0


def _cmd_reproduce(args) -> int:
    from fastbias.experiment import ExperimentError
    from fastbias.experiment.reproduce import reproduce

    out = Path(args.out) if args.out else _default_out("reproduce" + ("-quick" if args.quick else ""))
    only = [s.strip() for s in args.only.split(",")] if args.only else None
    try:
        return reproduce(out, quick=args.quick, force=args.force, only=only, progress=args.progress)
    except ExperimentError as exc:
        _error(str(exc))
        return EXIT_USAGE


def _cmd_init_config(args) -> int:
    from fastbias.experiment.config import DEFAULT_CONFIG

    if args.path == "-":
        sys.stdout.write(DEFAULT_CONFIG)
        return 0
    p = Path(args.path)
    if p.exists() and not args.force:
        _error(f"{p} already exists (pass --force to overwrite it)")
        return EXIT_USAGE
    p.write_text(DEFAULT_CONFIG, encoding="utf-8")
    print(f"wrote {p}: edit it, then run  fastbias run {shlex.quote(str(p))}")
    return 0


def _cmd_bench(rest: list[str]) -> int:
    try:
        from fastbias import bench
    except ImportError as exc:
        _error(f"benchmarks are not available in this installation ({exc})")
        return EXIT_FAIL
    try:
        return int(bench.main(rest) or 0)
    except SystemExit as exc:  # its argparse: --help or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``fastbias`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "bench":
        return _cmd_bench(argv[1:])
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command == "run":
            return _cmd_run(args, argv)
        if args.command == "resume":
            return _cmd_resume(args)
        if args.command == "report":
            return _cmd_report(args)
        if args.command == "reproduce":
            return _cmd_reproduce(args)
        if args.command == "init-config":
            return _cmd_init_config(args)
    except KeyboardInterrupt:  # a second Ctrl-C, or one outside a run
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover - argparse rejects it first
    return EXIT_USAGE  # pragma: no cover


if __name__ == "__main__":
    raise SystemExit(main())
