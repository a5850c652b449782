"""CLI: `ai [--feature F] [--threshold T | --min-precision P | --min-recall R] [--json]`, `ai versions`, `ai readiness`.

`ai` prints a feature's metrics with 95% intervals, curve points, segments (bias audit),
calibration and launch readiness; `ai versions` compares the latest two versions (McNemar);
`ai readiness FEATURE [--min-precision P ...]` shows, and with options saves, the launch checklist.
pm_core.ai (numpy, scikit-learn, Fairlearn) is imported only when one of these runs.
"""
from __future__ import annotations

import argparse

from ..auth import CLI_ACTOR
from ..cli import CliError, emit
from ..store import Store

_SAVE_FIELDS = ("initiative_id", "problem_fit", "data_source", "data_quality", "min_precision", "min_recall",
                "min_pass_rate", "threshold", "positive_label", "fallback", "explanation", "bias_note",
                "min_group_size", "ratio_threshold", "signed_off_by")


def _prob(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = float("nan")
    if not 0 <= v <= 1:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1 (e.g. 0.9), got {text!r}")
    return v


def _number(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if v != v or v in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return v


def register(sub: argparse._SubParsersAction) -> None:
    """Add `ai`, `ai versions` and `ai readiness` to the CLI."""
    p = sub.add_parser("ai", help="AI feature quality: precision/recall at a threshold, intervals, bias audit, readiness")
    p.add_argument("--feature", help="AI feature (default: the one imported last)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--threshold", type=_number, help="flag examples scoring at or above this")
    g.add_argument("--min-precision", type=_prob, metavar="P", help="the threshold with most recall at precision >= P")
    g.add_argument("--min-recall", type=_prob, metavar="R", help="the threshold with best precision at recall >= R")
    p.add_argument("--positive", metavar="LABEL", help="the positive class when labels are class names")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_report)
    asub = p.add_subparsers(dest="ai_command", metavar="SUBCOMMAND")
    v = asub.add_parser("versions", help="the latest two versions side by side on the same examples (McNemar's test)")
    v.add_argument("--feature")
    v.add_argument("--threshold", type=_number)
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=_versions)
    r = asub.add_parser("readiness", help="show a feature's launch readiness; with options, save them first")
    r.add_argument("feature")
    r.add_argument("--initiative", dest="initiative_id", metavar="ID", help="roadmap initiative the feature belongs to")
    for name in ("min_precision", "min_recall", "min_pass_rate", "ratio_threshold"):
        r.add_argument("--" + name.replace("_", "-"), dest=name, type=_prob, metavar="P")
    r.add_argument("--threshold", dest="threshold", type=_number)
    r.add_argument("--min-group-size", dest="min_group_size", type=int, metavar="N")
    for name in ("problem_fit", "data_source", "data_quality", "positive_label", "fallback", "explanation",
                 "bias_note", "signed_off_by"):
        r.add_argument("--" + name.replace("_", "-"), dest=name, metavar="TEXT")
    r.add_argument("--not-ready", dest="not_ready", metavar="REASON", help="mark the feature not ready, with the reason")
    r.add_argument("--clear-not-ready", action="store_true", help="remove a 'not ready' mark")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=_readiness)


def _fmt(v) -> str:
    return "—" if v is None else f"{v:.1%}"


def _report(args, store: Store) -> int:
    from .. import ai

    try:
        out = ai.report(store, args.feature, threshold=args.threshold, min_precision=args.min_precision,
                        min_recall=args.min_recall, positive_label=args.positive)
    except ValueError as exc:
        raise CliError(f"ai: {exc}") from None
    if args.json:
        emit(out)
        return 0
    print(f"{out['feature']} ({out['kind']})")
    if out["kind"] == "predictions":
        at = out["at"]
        print(f"  version {out['version']}, {out['examples']:,} examples, threshold {at['threshold']:.4g} "
              f"({out['threshold_source']})")
        print(f"  precision {_fmt(at['precision']['value'])} (95% {_fmt(at['precision']['low'])}–{_fmt(at['precision']['high'])}), "
              f"recall {_fmt(at['recall']['value'])} (95% {_fmt(at['recall']['low'])}–{_fmt(at['recall']['high'])})")
        print(f"  {at['sentence']}")
        for s in out["segments"]:
            print(f"  {'FLAG ' if s['flagged'] else ''}{s['words']}")
    else:
        for v in out["versions"]:
            print(f"  {v['version']}: pass rate {_fmt(v['pass_rate'])} of {v['examples']:,}")
    print(f"  {out['readiness']['headline']}")
    return 0


def _versions(args, store: Store) -> int:
    from .. import ai

    try:
        out = ai.versions_report(store, args.feature, args.threshold)
    except ValueError as exc:
        raise CliError(f"ai versions: {exc}") from None
    if args.json:
        emit(out)
    else:
        print(out["words"])
    return 0


def _readiness(args, store: Store) -> int:
    from .. import ai

    given = {k: getattr(args, k) for k in _SAVE_FIELDS if getattr(args, k) is not None}
    try:
        if given or args.not_ready is not None or args.clear_not_ready:
            doc = ai.get_readiness(store, args.feature).model_dump()
            doc.update(given)
            if args.not_ready is not None:
                doc["marked_not_ready"], doc["not_ready_reason"] = True, args.not_ready
            if args.clear_not_ready:
                doc["marked_not_ready"], doc["not_ready_reason"] = False, ""
            ai.save_readiness(store, CLI_ACTOR, args.feature, doc)
        r = ai.readiness(store, args.feature)
    except ValueError as exc:
        raise CliError(f"ai readiness: {exc}") from None
    if args.json:
        emit({"readiness": r.model_dump(), "checklist": ai.get_readiness(store, args.feature).model_dump()})
    else:
        print(r.headline)
        for c in r.checks:
            print(f"  [{'ok' if c['ok'] else '  '}] {c['words']}")
    return 0
