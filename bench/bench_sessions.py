"""Many viewers at once (issue 17): N concurrent sessions on Pillars vs a one-page Streamlit app, with 2 editors checking in.

Run by hand: .venv/bin/python bench/bench_sessions.py [--browser] [--viewers 10 25] [--rounds 2] [--editors 2]

Two modes, named in the output. The default (websocket) times the server's script runs only. --browser
times what the issue's target was set against, "time to a rendered page": N headless Chromium pages
(one browser process from tests/e2e/conftest's CHROMIUM, one context per viewer, Playwright's async API)
each open Overview -> /audiences?audience=executives -> /roadmap by URL, timed from navigation start
until the page is drawn and idle (tests/e2e/conftest.wait_idle's rule: a main-block h1, no
stStatusWidget, no stSkeleton, still so 300 ms later). The editors are the same websocket check-ins in
both modes. Browser mode also prints the CPU seconds of Chromium, its Playwright driver and this script
beside the server's (from /proc), and the load average before and after each app: on 2 cores the
browser's drawing competes with the servers, so these say which one the viewers were waiting for.

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
    wall: float = 0.0  # seconds from the start of the run to the last viewer's last page
    client_cpu: dict = field(default_factory=dict)  # browser mode: CPU seconds of Chromium, its driver, this script
    load: tuple = ()  # os.getloadavg() before and after
    cli: list = field(default_factory=list)  # --team: (command, seconds, exit code) of every CLI call
    imported: list = field(default_factory=list)  # --team: import ids the CLI's import printed


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


async def cli_call(res: Result, env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run `python -m pm_core ARGS` beside the serving app (reads and writes go through it); record its time."""
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "pm_core", *args, cwd=str(ROOT),
                                                env={**os.environ, **env}, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    res.cli.append((args[0], time.perf_counter() - t0, proc.returncode))
    if proc.returncode != 0:
        res.errors.append(f"cli {' '.join(args[:1])}: exit {proc.returncode}: {err.decode()[-200:]}")
    return proc.returncode, out.decode()


async def importer(res: Result, env: dict[str, str], csv_path: Path, start: asyncio.Event) -> None:
    """A PM imports a new week of events through the CLI half a second into the crowd."""
    import json

    await start.wait()
    await asyncio.sleep(0.5)
    code, out = await cli_call(res, env, "import", str(csv_path))
    if code == 0:
        res.imported.append(json.loads(out).get("import_id"))


async def cli_reader(res: Result, env: dict[str, str], start: asyncio.Event, stop: asyncio.Event) -> None:
    """Someone reads the workspace from the command line while the app serves it: kpis, then info, again."""
    await start.wait()
    while not stop.is_set():
        await cli_call(res, env, "kpis", "--json")
        await cli_call(res, env, "info", "--json")


async def drive(url: str, n: int, rounds: int, editors: int, krs: list[str], single_page: bool,
                team: tuple[dict[str, str], Path] | None = None) -> Result:
    res = Result()
    start, stop = asyncio.Event(), asyncio.Event()
    viewers = [asyncio.create_task(viewer(url, rounds, res, start, single_page)) for _ in range(n)]
    eds = [asyncio.create_task(editor(url, EDITORS[i % len(EDITORS)], krs[i::editors] or krs, res, start, stop))
           for i in range(editors)]
    if team is not None:
        eds += [asyncio.create_task(importer(res, team[0], team[1], start)),
                asyncio.create_task(cli_reader(res, team[0], start, stop))]
    start.set()
    await asyncio.gather(*viewers)
    stop.set()
    await asyncio.gather(*eds)
    return res


def new_events_csv(path: Path, users: int = 400, per_user: int = 25) -> int:
    """Write a new week of events (users the demo has not seen) as a CSV; returns its rows."""
    import csv

    rng = random.Random(17)
    rows = 0
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["user_id", "event", "timestamp", "platform"])
        for u in range(users):
            for _ in range(per_user):
                day, sec = rng.randrange(7), rng.randrange(86400)
                w.writerow([f"bench-{u}", rng.choice(["search", "listing_view", "booking_started"]),
                            f"2026-11-{15 + day:02d} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}",
                            rng.choice(["iOS", "Android", "Web"])])
                rows += 1
    return rows


# --- browser mode: what the issue measured, "time to a rendered page" in Chromium -----------------

READY_JS = """() => !!document.querySelector('[data-testid="stMainBlockContainer"] h1')
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"]')"""


async def browser_load(pg, url: str, timeout: float) -> tuple[float, str | None]:
    """Open url in pg and wait until it is drawn and idle: tests/e2e/conftest.wait_idle's rule.

    Ready = a main-block h1, no stStatusWidget (script running) and no stSkeleton (placeholder), still
    true 300 ms later (wait_idle's settle check). The time is navigation start to the first moment it
    was ready, not including the 300 ms confirmation. The predicate is polled inside the page every
    50 ms (one CDP round trip per load, not one per poll).
    """
    t0 = time.perf_counter()
    deadline = t0 + timeout
    try:
        await pg.goto(url, wait_until="commit", timeout=timeout * 1000)
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return time.perf_counter() - t0, "timeout"
            await pg.wait_for_function(READY_JS, polling=50, timeout=left * 1000)
            ready = time.perf_counter() - t0
            await asyncio.sleep(0.3)
            if await pg.evaluate(READY_JS):
                break
        err = None
        if await pg.locator('[data-testid="stException"]').count():
            err = "exception: " + (await pg.locator('[data-testid="stException"]').first.inner_text())[:120]
        elif await pg.get_by_text("Page not found").count():
            err = "page not found"
        return ready, err
    except Exception as exc:  # Playwright timeout, crashed page, refused navigation
        return time.perf_counter() - t0, f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"


def page_url(base: str, page: str, query: str, single_page: bool) -> str:
    return f"{base}/{'' if single_page else page}" + (f"?{query}" if query else "")


async def browser_viewer(browser, base: str, rounds: int, res: Result, start: asyncio.Event, single_page: bool,
                         timeout: float) -> None:
    await start.wait()
    await asyncio.sleep(random.uniform(0, 0.2))
    ctx = await browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        pg = await ctx.new_page()
        for _ in range(rounds):
            for page, query, title in PAGES:
                secs, err = await browser_load(pg, page_url(base, page, query, single_page), timeout)
                res.pages.append((title, secs))
                if err:
                    res.errors.append(f"{title}: {err}")
    except Exception as exc:
        res.errors.append(f"viewer browser context: {exc!r}")
    finally:
        await ctx.close()


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    return kids


def client_cpu(exclude: int) -> dict[str, float]:
    """CPU seconds so far of this process's descendants (not the server `exclude`), by kind.

    Chromium's processes come and go with contexts, so this is sampled often and the per-pid maximum kept
    (a finished renderer's CPU would otherwise vanish from the sum).
    """
    kids, out, todo = _children(), {}, list(_children().get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        if pid == exclude:
            continue
        todo.extend(kids.get(pid, []))
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        out[pid] = ("chromium" if "chrom" in comm else "driver (node)" if "node" in comm else comm, _proc_cpu(pid))
    return out


class CpuSampler:
    """Samples the client processes' CPU every 0.5 s during a run; totals by kind at the end.

    Processes alive at the start count from their CPU then; processes started during the run from 0.
    """

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.py0 = sum(os.times()[:2])
        self.seen = {pid: (kind, cpu, cpu) for pid, (kind, cpu) in client_cpu(server_pid).items()}

    def sample(self) -> None:
        for pid, (kind, cpu) in client_cpu(self.server_pid).items():
            _, c0, c = self.seen.get(pid, (kind, 0.0, 0.0))
            self.seen[pid] = (kind, c0, max(c, cpu))

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(0.5)

    def totals(self) -> dict[str, float]:
        self.sample()
        out: dict[str, float] = {"bench python": sum(os.times()[:2]) - self.py0}
        for kind, c0, c in self.seen.values():
            out[kind] = out.get(kind, 0.0) + c - c0
        return out


async def drive_browser(base: str, ws: str, server_pid: int, n: int, rounds: int, editors: int, krs: list[str],
                        single_page: bool, timeout: float) -> Result:
    """N Chromium contexts (one browser process) load the pages while the editors check in over websockets."""
    from playwright.async_api import async_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    res = Result()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            warm_res = Result()  # one context loads each page once: imports, first computation, static files
            await browser_viewer(browser, base, 1, warm_res, _set_event(), single_page, timeout)
            res.errors.extend(f"warm-up {e}" for e in warm_res.errors)
            sampler = CpuSampler(server_pid)
            sampling = asyncio.create_task(sampler.run())
            start, stop = asyncio.Event(), asyncio.Event()
            t0 = time.perf_counter()
            viewers = [asyncio.create_task(browser_viewer(browser, base, rounds, res, start, single_page, timeout))
                       for _ in range(n)]
            eds = [asyncio.create_task(editor(ws, EDITORS[i % len(EDITORS)], krs[i::editors] or krs, res, start, stop))
                   for i in range(editors)]
            start.set()
            await asyncio.gather(*viewers)
            stop.set()
            await asyncio.gather(*eds)
            res.wall = time.perf_counter() - t0
            sampling.cancel()
            res.client_cpu = sampler.totals()
        finally:
            await browser.close()
    return res


def _set_event() -> asyncio.Event:
    e = asyncio.Event()
    e.set()
    return e


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


def team_report(db: Path, res: Result, week_rows: int) -> str:
    """The team run's CLI figures, the imported rows and the audit log's rows for this run's writes."""
    from pm_core.store import audit_store, open_store

    store = open_store(db)
    try:
        rows = 0
        for import_id in res.imported:
            rows += int(store.query_df("SELECT count(*) AS n FROM events WHERE import_id = ?", [import_id])["n"][0])
        checkins = [e for e in audit_store.list_entries(store, action="check_in", limit=None)
                    if str(e["actor"]).lower() in EDITORS]  # only the bench's editors check in
        imports = [e for e in audit_store.list_entries(store, action="import", limit=None)
                   if e.get("object_id") in res.imported]
    finally:
        store.close()
    by_cmd: dict[str, list[float]] = {}
    for cmd, secs, _ in res.cli:
        by_cmd.setdefault(cmd, []).append(secs)
    cli = ", ".join(f"{cmd} {len(v)} runs median {statistics.median(v):.2f} s max {max(v):.2f} s"
                    for cmd, v in by_cmd.items())
    failed = sum(1 for _, _, code in res.cli if code != 0)
    return (f"team: CLI beside the app: {cli}; {failed} failed. Import: {rows:,} of {week_rows:,} rows stored. "
            f"Audit log: {len(checkins)} check-in rows for {len(res.comments)} check-ins, "
            f"{len(imports)} import rows for {len(res.imported)} imports")


def summary(res: Result) -> tuple[float, float]:
    secs = [s for _, s in res.pages]
    return (statistics.median(secs), max(secs)) if secs else (float("nan"), float("nan"))


def run_app(server: Server, args, n: int, editors: int, krs: list[str], single_page: bool,
            team: tuple[dict[str, str], Path] | None = None) -> Result:
    """Warm the server, then drive n viewers (and the editors) in the chosen mode; server CPU and load around it."""
    load0 = os.getloadavg()
    if args.browser:
        cpu0 = server.cpu_seconds()
        res = asyncio.run(drive_browser(server.url, server.ws, server.proc.pid, n, args.rounds, editors, krs,
                                        single_page, args.timeout))
        res.cpu = server.cpu_seconds() - cpu0  # includes the one warm-up context
    else:
        asyncio.run(warm(server.ws, single_page))
        cpu0, t0 = server.cpu_seconds(), time.perf_counter()
        res = asyncio.run(drive(server.ws, n, args.rounds, editors, krs, single_page, team))
        res.cpu, res.wall = server.cpu_seconds() - cpu0, time.perf_counter() - t0
    res.load = (load0, os.getloadavg())
    return res


def _load(pair) -> str:
    return f"load average before {pair[0][0]:.2f} after {pair[1][0]:.2f}"


def _cpu_line(res: Result) -> str:
    parts = [f"server {res.cpu:.1f}"] + [f"{k} {v:.1f}" for k, v in sorted(res.client_cpu.items(), key=lambda kv: -kv[1])]
    total = res.cpu + sum(res.client_cpu.values())
    return (f"CPU s during {res.wall:.1f} s: " + ", ".join(parts) +
            f" (= {total / res.wall:.2f} of {os.cpu_count()} cores)" if res.wall else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--viewers", type=int, nargs="+", default=[10, 25])
    ap.add_argument("--rounds", type=int, default=2, help="times each viewer opens the three pages")
    ap.add_argument("--editors", type=int, default=2)
    ap.add_argument("--browser", action="store_true",
                    help="viewers are headless Chromium pages (one browser, one context each), timed to drawn and idle")
    ap.add_argument("--timeout", type=float, default=180, help="browser mode: seconds before a page load is an error")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (server logs, workspaces)")
    ap.add_argument("--team", action="store_true",
                    help="issue 17's 'done when': also one CLI import of a new week of events and CLI reads "
                         "(kpis, info) in a loop, all through the serving app; checks the audit log")
    args = ap.parse_args()
    mode = ("browser: headless Chromium pages, navigation start to drawn and idle (h1, no status widget, "
            "no skeleton)" if args.browser else "websocket: raw sessions, rerun request to script_finished")
    tmp = Path(tempfile.mkdtemp(prefix="pillars-sessions-"))
    template, krs = build_demo(tmp)
    trivial = tmp / "trivial" / "trivial_app.py"
    trivial.parent.mkdir()
    trivial.write_text(TRIVIAL_APP)
    shutil.copytree(ROOT / ".streamlit", trivial.parent / ".streamlit", ignore=shutil.ignore_patterns("secrets.toml"))
    print(f"mode {mode}")
    print(f"demo workspace ready, {len(krs)} key results to check in; {load()}")
    headers = ["--server.trustedUserHeaders", '{"X-Forwarded-Email": "email"}']
    rows = []
    try:
        for n in args.viewers:
            base = Server(trivial, {}, tmp / f"trivial-{n}.log", headers)
            try:
                b = run_app(base, args, n, 0, krs, True)
            finally:
                base.stop()
            db = tmp / f"pillars-{n}.duckdb"
            shutil.copy(template, db)
            env = {"PILLARS_DB": str(db), "PILLARS_DEMO": "0", "PILLARS_MODE": "intranet",
                   "PILLARS_EDITORS": ",".join(EDITORS)}
            app = Server(ROOT / "app.py", env, tmp / f"pillars-{n}.log", headers)
            team = None
            if args.team:
                week = tmp / f"new-week-{n}.csv"
                week_rows = new_events_csv(week)
                team = (env, week)
            try:
                p = run_app(app, args, n, args.editors, krs, False, team)
            finally:
                app.stop()
            stored = stored_comments(db)
            lost = [c for c in p.comments if c not in stored]
            (bm, bx), (pm, px) = summary(b), summary(p)
            rows.append((n, pm, px, bm, bx, p, b, lost))
            print(f"\n{n} viewers + {args.editors} editors, {args.rounds} rounds of {len(PAGES)} pages each ({'browser' if args.browser else 'websocket'})")
            print(f"  trivial app: {len(b.pages)} pages, median {bm:.2f} s, max {bx:.2f} s, errors {len(b.errors)}; "
                  f"server CPU {b.cpu * 1000 / max(1, len(b.pages)):.0f} ms per page; {_load(b.load)}")
            print(f"    {_cpu_line(b)}")
            print(f"  pillars    : {len(p.pages)} pages, median {pm:.2f} s, max {px:.2f} s, errors {len(p.errors)}; "
                  f"server CPU {p.cpu * 1000 / max(1, len(p.pages) + len(p.saves)):.0f} ms per page; {_load(p.load)}")
            print(f"    {_cpu_line(p)}")
            for title in dict.fromkeys(t for t, _ in p.pages):
                secs = [s for t, s in p.pages if t == title]
                print(f"    {title:18s} median {statistics.median(secs):.2f} s, max {max(secs):.2f} s")
            if p.saves:
                print(f"  check-ins  : {len(p.saves)} saved by {args.editors} editors, median {statistics.median(p.saves):.2f} s, "
                      f"max {max(p.saves):.2f} s; lost writes {len(lost)} of {len(p.comments)}")
            if args.team:
                print("  " + team_report(db, p, week_rows))
            for e in (b.errors + p.errors)[:10]:
                print(f"  error: {e}")
            print(f"  ratio pillars/trivial: median {pm / bm:.1f}x (target < {TARGET_MEDIAN:g}x), "
                  f"max {px / bx:.1f}x (target < {TARGET_MAX:g}x)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}")
    print(f"\nmode {'browser' if args.browser else 'websocket'}")
    print("viewers  pillars med/max   trivial med/max   ratio med/max   errors  lost writes  check-in max")
    for n, pm, px, bm, bx, p, b, lost in rows:
        print(f"{n:7d}  {pm:6.2f} {px:6.2f} s   {bm:6.2f} {bx:6.2f} s   {pm / bm:5.1f}x {px / bx:5.1f}x   "
              f"{len(p.errors) + len(b.errors):6d}  {len(lost):11d}  {max(p.saves) if p.saves else float('nan'):9.2f} s")
    print(load())


if __name__ == "__main__":
    main()
