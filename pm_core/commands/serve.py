"""`serve`: check the configuration, then start the Streamlit app on a safe address (what `make run` calls)."""
from __future__ import annotations

import argparse
import importlib
import os
import runpy
import sys
import threading
from pathlib import Path

from ..cli import CliError
from ..config import is_loopback

APP = Path(__file__).resolve().parent.parent.parent / "app.py"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="check PILLARS_* settings and start the app (local mode: this computer only)",
                       description="Refuses to start on an unknown PILLARS_* name or value. In local mode "
                                   "(everyone is an editor) the app listens on 127.0.0.1 only; to serve others, "
                                   "use PILLARS_MODE=intranet with PILLARS_EDITORS.")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--address", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 serves the network, intranet mode only)")
    p.add_argument("--check", action="store_true", help="only check the configuration and address, then exit")
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER,
                   help="anything after -- goes to `streamlit run` as it is")
    p.set_defaults(func=_serve, no_store=True)


def _serve(args, _store) -> int:
    from ..config import load_config

    config = load_config()  # already checked by cli.main; a ConfigError here is reported the same way
    if config.mode == "local" and not is_loopback(args.address):
        raise CliError(
            f"local mode makes everyone who can reach the app an editor, so it only listens on this computer "
            f"(127.0.0.1), not on {args.address}. To serve others, start it in intranet mode: "
            "PILLARS_MODE=intranet PILLARS_EDITORS=you@example.com python -m pm_core serve --address 0.0.0.0")
    if args.check:
        print(f"configuration ok: {config.mode} mode, workspace {config.db}, "
              f"{len(config.editors)} editor(s), demo {'on' if config.demo else 'off'}, address {args.address}")
        return 0
    extra = [a for a in args.streamlit_args if a != "--"]
    if any(a.startswith("--server.address") for a in extra):
        raise CliError("give the address with --address (it is checked against the mode), not --server.address")
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(args.port),
           "--server.address", args.address, *extra]
    sys.stdout.flush()
    os.environ["PILLARS_DB"] = str(config.db.resolve())  # the folder changes below; the file must not
    os.chdir(APP.parent)  # .streamlit/config.toml (theme, upload limit) is read from the working folder
    # Streamlit runs in this process (what `python -m streamlit` does), so the libraries and pm_core
    # modules the first page needs can be imported while the server starts and the first browser
    # loads Streamlit's scripts, instead of inside the first visitor's page run.
    threading.Thread(target=_warm_up, name="pillars-warm-up", daemon=True).start()
    # `python -m streamlit run ...`, in this process: pm_core itself never imports Streamlit (the UI is
    # app.py's); this command only launches it, as the exec it replaced did.
    sys.argv = ["streamlit", *cmd[3:]]
    runpy.run_module("streamlit", run_name="__main__", alter_sys=True)
    return 0


# What the first page run imports (python -X importtime: about 0.5-0.9 s on the 2-core machine).
WARM_MODULES = ("pandas", "pyarrow", "altair", "pm_core.metrics", "pm_core.okrs", "pm_core.audiences",
                "pm_core.roadmap", "pm_core.charts")


def _warm_up() -> None:
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the page run imports it again and reports what is wrong there
            return
