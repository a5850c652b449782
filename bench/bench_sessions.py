"""Many viewers at once (issue 17): N concurrent sessions on Pillars vs a one-page Streamlit app, with 2 editors checking in.

Run by hand: .venv/bin/python bench/bench_sessions.py [--viewers 10 25] [--rounds 2] [--editors 2]

Both apps are served the same way in the same run: `streamlit run` on loopback with Pillars'
.streamlit/config.toml (the trivial app gets a copy beside it), headless, one process each.
Pillars serves a copy of the demo workspace in intranet mode: viewers connect anonymously (read-only
viewers), the editors send an `X-Forwarded-Email` header mapped into st.user with
`--server.trustedUserHeaders` (as a trusted reverse proxy would) and are listed in PILLARS_EDITORS.

The client is a raw Streamlit session, not a browser: one websocket to /_stcore/stream per viewer,
speaking Streamlit's own BackMsg/ForwardMsg protobufs. A page load is a `rerun_script` BackMsg
carrying the page name and query string of a deep link (what the browser sends when a link is
opened); "time to a rendered page" is from sending it to receiving the run's `script_finished`,
by which point every delta of the page has arrived. Chromium would add the same client-side
drawing time to both apps, and 25 Chromium pages would take the 2 cores from the servers.

Each viewer opens Overview -> Stakeholder views (?audience=executives) -> Roadmap, `--rounds`
times, all viewers starting together. Meanwhile each editor repeatedly opens a key result on the
OKRs page (?kr=...) and submits its check-in form with a unique comment (the form's widgets keep
the values the page drew; the comment and the submit trigger are what the client sends), timing
the save until the page has rerun after it. After the run the workspace is reopened and every
comment is looked up: a check-in that is not stored is a lost write. The trivial app gets the
same viewers and loads (it has no forms, so no editors).
Errors: a page whose run raised (an exception element), a page-not-found, a timeout or a dropped
connection. Each server's CPU time during the run (user + system, from /proc) is printed per page
(for Pillars per page or check-in): with 2 cores and one GIL, it is what concurrent viewers queue for.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

TRIVIAL_APP = 'import streamlit as st\nst.title("Hello")\nst.write("baseline")\n'
PAGES = [("", "", "Overview"), ("audiences", "audience=executives", "Stakeholder views"), ("roadmap", "", "Roadmap")]
EDITORS = ["pm@example.com", "lead@example.com"]
TARGET_MEDIAN, TARGET_MAX = 2.0, 3.0


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run SCRIPT` on a free loopback port, started like tests/e2e's servers."""

    def __init__(self, script: Path, env: dict[str, str], log: Path, extra: list[str] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}/_stcore/stream"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *extra],
            cwd=script.parent, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.perf_counter() + 90
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {log}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not answer /_stcore/health; see {log}")

    def cpu_seconds(self) -> float:
        """Return the server process's user + system CPU seconds so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@dataclass
class Run:
    seconds: float
    elements: list  # (delta path, Element) for every new element of the final run
    error: str | None = None


class Session:
    """One Streamlit session over the websocket: rerun requests in, ForwardMsgs out."""

    def __init__(self, url: str, headers: dict[str, str] | None = None, timeout: float = 180):
        self.url, self.headers, self.timeout = url, headers or {}, timeout
        self.ws = None

    async def __aenter__(self):
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], additional_headers=self.headers,
                                           max_size=None, open_timeout=self.timeout, ping_interval=None)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, page: str, query: str, widgets: list | None = None) -> Run:
        """Ask for a run of page?query (with widget states) and wait until a run finishes without a rerun after it."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        if widgets:
            msg.rerun_script.widget_states.widgets.extend(widgets)
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        elements: list = []
        error = None
        deadline = t0 + self.timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return Run(time.perf_counter() - t0, elements, "timeout")
            try:
                raw = await asyncio.wait_for(self.ws.recv(), left)
            except asyncio.TimeoutError:
                return Run(time.perf_counter() - t0, elements, "timeout")
            except websockets.ConnectionClosed as exc:
                return Run(time.perf_counter() - t0, elements, f"connection closed: {exc}")
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                elements, error = [], None  # a new run (also after st.rerun) redraws the page
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                elements.append((tuple(fm.metadata.delta_path), el))
                if el.WhichOneof("type") == "exception":
                    error = f"exception: {el.exception.message[:120]}"
            elif kind == "page_not_found":
                error = f"page not found: {fm.page_not_found.page_name}"
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return Run(time.perf_counter() - t0, elements, error)
                if fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    return Run(time.perf_counter() - t0, elements, "compile error")
                # FINISHED_EARLY_FOR_RERUN: keep waiting for the run that follows


@dataclass
class Result:
    pages: list = field(default_factory=list)   # (page title, seconds)
    errors: list = field(default_factory=list)
    saves: list = field(default_factory=list)   # editors' check-in seconds
    comments: list = field(default_factory=list)
    cpu: float = 0.0  # server CPU seconds during the run


async def viewer(url: str, rounds: int, res: Result, start: asyncio.Event, single_page: bool) -> None:
    await start.wait()
    await asyncio.sleep(random.uniform(0, 0.2))
    try:
        async with Session(url) as s:
            for _ in range(rounds):
                for page, query, title in PAGES:
                    r = await s.run("" if single_page else page, query)
                    res.pages.append((title, r.seconds))
                    if r.error:
                        res.errors.append(f"{title}: {r.error}")
    except Exception as exc:  # a refused or dropped connection is an error, not a crash of the bench
        res.errors.append(f"viewer session: {exc!r}")


def _find(elements, kind: str, pred) -> object | None:
    for _, el in elements:
        if el.WhichOneof("type") == kind and pred(getattr(el, kind)):
            return getattr(el, kind)
    return None


async def check_in(url: str, email: str, kr_id: str, res: Result) -> None:
    """Open the key result on the OKRs page as an editor and submit its check-in form with a unique comment."""
    comment = f"bench {email} {uuid.uuid4().hex[:10]}"
    async with Session(url, {"X-Forwarded-Email": email}) as s:
        page = await s.run("okrs", f"kr={kr_id}")
        if page.error:
            res.errors.append(f"editor OKRs page: {page.error}")
            return
        form = f"okrs_checkin_{kr_id}"
        text = _find(page.elements, "text_input", lambda w: w.form_id == form and w.label == "Comment")
        submit = _find(page.elements, "button", lambda w: w.form_id == form and w.is_form_submitter)
        picker = _find(page.elements, "selectbox", lambda w: w.label == "Open a key result")
        if text is None or submit is None:
            res.errors.append(f"editor: no check-in form for {kr_id} (is {email} an editor?)")
            return
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        states = [WidgetState(id=text.id, string_value=comment), WidgetState(id=submit.id, trigger_value=True)]
        if picker is not None and picker.HasField("raw_value"):
            states.append(WidgetState(id=picker.id, string_value=picker.raw_value))
        res.comments.append(comment)
        saved = await s.run("okrs", f"kr={kr_id}", states)
        res.saves.append(saved.seconds)
        if saved.error:
            res.errors.append(f"editor check-in: {saved.error}")


async def editor(url: str, email: str, krs: list[str], res: Result, start: asyncio.Event, stop: asyncio.Event) -> None:
    await start.wait()
    i = 0
    while True:
        try:
            await check_in(url, email, krs[i % len(krs)], res)
        except Exception as exc:
            res.errors.append(f"editor session: {exc!r}")
        i += 1
        if stop.is_set():
            return
        try:
            await asyncio.wait_for(stop.wait(), 1.0)  # a check-in about every second while viewers load
        except asyncio.TimeoutError:
            pass
        if stop.is_set():
            return


async def drive(url: str, n: int, rounds: int, editors: int, krs: list[str], single_page: bool) -> Result:
    res = Result()
    start, stop = asyncio.Event(), asyncio.Event()
    viewers = [asyncio.create_task(viewer(url, rounds, res, start, single_page)) for _ in range(n)]
    eds = [asyncio.create_task(editor(url, EDITORS[i % len(EDITORS)], krs[i::editors] or krs, res, start, stop))
           for i in range(editors)]
    start.set()
    await asyncio.gather(*viewers)
    stop.set()
    await asyncio.gather(*eds)
    return res


async def warm(url: str, single_page: bool) -> None:
    """One session loads each page once, so imports and the first computation are not counted."""
    async with Session(url) as s:
        for page, query, _ in PAGES:
            await s.run("" if single_page else page, query)


def build_demo(tmp: Path) -> tuple[Path, list[str]]:
    from pm_core import okrs
    from pm_core.auth import CLI_ACTOR
    from pm_core.demo import load_demo
    from pm_core.store import open_store

    db = tmp / "demo.duckdb"
    store = open_store(db)
    try:
        load_demo(store, CLI_ACTOR)
        period = okrs.default_period(store)
        krs = [k.id for o in okrs.list_okrs(store, period) for k in o.key_results]
    finally:
        store.close()
    return db, krs


def stored_comments(db: Path) -> set[str]:
    from pm_core.store import open_store

    store = open_store(db)
    try:
        df = store.query_df("SELECT comment FROM checkins WHERE comment LIKE 'bench %'")
    finally:
        store.close()
    return set(df["comment"])


def summary(res: Result) -> tuple[float, float]:
    secs = [s for _, s in res.pages]
    return (statistics.median(secs), max(secs)) if secs else (float("nan"), float("nan"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--viewers", type=int, nargs="+", default=[10, 25])
    ap.add_argument("--rounds", type=int, default=2, help="times each viewer opens the three pages")
    ap.add_argument("--editors", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (server logs, workspaces)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pillars-sessions-"))
    template, krs = build_demo(tmp)
    trivial = tmp / "trivial" / "trivial_app.py"
    trivial.parent.mkdir()
    trivial.write_text(TRIVIAL_APP)
    shutil.copytree(ROOT / ".streamlit", trivial.parent / ".streamlit", ignore=shutil.ignore_patterns("secrets.toml"))
    print(f"demo workspace ready, {len(krs)} key results to check in; {load()}")
    headers = ["--server.trustedUserHeaders", '{"X-Forwarded-Email": "email"}']
    rows = []
    try:
        for n in args.viewers:
            base = Server(trivial, {}, tmp / f"trivial-{n}.log", headers)
            try:
                asyncio.run(warm(base.ws, True))
                cpu0 = base.cpu_seconds()
                b = asyncio.run(drive(base.ws, n, args.rounds, 0, krs, True))
                b.cpu = base.cpu_seconds() - cpu0
            finally:
                base.stop()
            b_load = os.getloadavg()
            db = tmp / f"pillars-{n}.duckdb"
            shutil.copy(template, db)
            env = {"PILLARS_DB": str(db), "PILLARS_DEMO": "0", "PILLARS_MODE": "intranet",
                   "PILLARS_EDITORS": ",".join(EDITORS)}
            app = Server(ROOT / "app.py", env, tmp / f"pillars-{n}.log", headers)
            try:
                asyncio.run(warm(app.ws, False))
                cpu0 = app.cpu_seconds()
                p = asyncio.run(drive(app.ws, n, args.rounds, args.editors, krs, False))
                p.cpu = app.cpu_seconds() - cpu0
            finally:
                app.stop()
            p_load = os.getloadavg()
            stored = stored_comments(db)
            lost = [c for c in p.comments if c not in stored]
            (bm, bx), (pm, px) = summary(b), summary(p)
            rows.append((n, pm, px, bm, bx, p, b, lost))
            print(f"\n{n} viewers + {args.editors} editors, {args.rounds} rounds of {len(PAGES)} pages each")
            print(f"  trivial app: {len(b.pages)} pages, median {bm:.2f} s, max {bx:.2f} s, errors {len(b.errors)}; "
                  f"server CPU {b.cpu * 1000 / max(1, len(b.pages)):.0f} ms per page; load average after {b_load[0]:.2f} {b_load[1]:.2f}")
            print(f"  pillars    : {len(p.pages)} pages, median {pm:.2f} s, max {px:.2f} s, errors {len(p.errors)}; "
                  f"server CPU {p.cpu * 1000 / max(1, len(p.pages) + len(p.saves)):.0f} ms per page; load average after {p_load[0]:.2f} {p_load[1]:.2f}")
            for title in dict.fromkeys(t for t, _ in p.pages):
                secs = [s for t, s in p.pages if t == title]
                print(f"    {title:18s} median {statistics.median(secs):.2f} s, max {max(secs):.2f} s")
            if p.saves:
                print(f"  check-ins  : {len(p.saves)} saved by {args.editors} editors, median {statistics.median(p.saves):.2f} s, "
                      f"max {max(p.saves):.2f} s; lost writes {len(lost)} of {len(p.comments)}")
            for e in (b.errors + p.errors)[:10]:
                print(f"  error: {e}")
            print(f"  ratio pillars/trivial: median {pm / bm:.1f}x (target < {TARGET_MEDIAN:g}x), "
                  f"max {px / bx:.1f}x (target < {TARGET_MAX:g}x)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}")
    print("\nviewers  pillars med/max   trivial med/max   ratio med/max   errors  lost writes  check-in max")
    for n, pm, px, bm, bx, p, b, lost in rows:
        print(f"{n:7d}  {pm:6.2f} {px:6.2f} s   {bm:6.2f} {bx:6.2f} s   {pm / bm:5.1f}x {px / bx:5.1f}x   "
              f"{len(p.errors) + len(b.errors):6d}  {len(lost):11d}  {max(p.saves) if p.saves else float('nan'):9.2f} s")
    print(load())


if __name__ == "__main__":
    main()
