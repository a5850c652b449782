"""The one glue module between Streamlit and pm_core: connection, caching, current actor, shared widgets.

Pages import from here and from pm_core; nothing else in the UI touches the store or Streamlit's
caches directly.
"""
from __future__ import annotations

import hashlib
import importlib
import math
import pickle
import base64
import contextlib
import sys
import threading
from typing import Any, Callable, Iterator

import streamlit as st
from streamlit import dataframe_util
from streamlit.runtime.scriptrunner import get_script_run_ctx

from pm_core.auth import Actor, resolve_role
from pm_core.charts.layout import describe, for_page
from pm_core.text import html as html_escape
from pm_core.tones import Tone
from pm_core.text import md
from pm_core.config import Config, ConfigError, is_loopback, load_config
from pm_core.store import Store, StoreError, open_store
from pm_core.store.areas import reads

DATA_PAGE = "app_pages/data.py"


# -- configuration ---------------------------------------------------------------------------
def config() -> Config:
    """Return the validated PILLARS_* configuration; raises ConfigError on an unknown name or value.

    Read on every call (an environment scan costs microseconds) so that tests can change it.
    """
    return load_config()


def app_mode() -> str:
    """Return 'local' or 'intranet'; an unknown PILLARS_MODE raises ConfigError (never read as local)."""
    return config().mode


def editor_emails() -> list[str]:
    """Return the editors' emails from PILLARS_EDITORS; empty means nobody edits in intranet mode."""
    return list(config().editors)


def guard_start() -> Config:
    """Return the configuration, or show why this server refuses to serve and stop the script run.

    Two refusals: a PILLARS_* name or value Pillars does not accept (fail closed: a typo in the
    mode must not make visitors editors), and a visitor from another computer in local mode, where
    everyone is an editor (local mode is for this computer; others need intranet mode).
    """
    try:
        cfg = config()
    except ConfigError as exc:
        print(f"pillars: refusing to serve: {exc}", file=sys.stderr)
        st.error(f"Pillars is not configured correctly, so it shows nothing. {exc}", icon=":material/block:")
        st.stop()
        raise  # unreachable; st.stop raises
    if cfg.mode == "local" and _remote_ip() is not None:
        st.error("This Pillars runs in local mode, where whoever uses it is an editor, so it only serves the "
                 "computer it runs on. To share it, an editor starts it in intranet mode (see the README).",
                 icon=":material/block:")
        st.stop()
    return cfg


def _remote_ip() -> str | None:
    """Return the visitor's address when it is another computer's; None for this computer or when unknown."""
    try:
        ip = st.context.ip_address  # None for 127.0.0.1 and ::1
    except Exception:
        return None
    if not isinstance(ip, str) or not ip:  # no peer (AppTest gives a stand-in object)
        return None
    return None if is_loopback(ip) else ip


# -- the workspace ---------------------------------------------------------------------------
_api: dict[str, Any] = {"path": None, "handle": None, "store": None}


def _serve_cli(path: str, store: Store) -> None:
    """Let `python -m pm_core` reach this process's store while it holds the file (pm_core.local_api)."""
    from pm_core import cli, local_api

    _api["store"] = store  # a re-opened store (after a cache clear) serves the CLI from then on
    if _api["path"] == path and _api["handle"] is not None:
        return
    if _api["handle"] is not None:
        _api["handle"].stop()
    _api["path"] = path
    _api["handle"] = local_api.serve(path, lambda argv, cwd: cli.run_in_app(_api["store"], argv, cwd))


@st.cache_resource(show_spinner=False)
def _open(path: str, demo: bool) -> Store:
    store = open_store(path)
    if demo and store.data_version() == 0:
        from pm_core.demo import load_demo
        from pm_core.auth import CLI_ACTOR

        with st.spinner("Setting up the demo workspace (first start only)…"):
            load_demo(store, CLI_ACTOR)
    _serve_cli(path, store)
    return store


_RETRY_SECONDS = 5


def get_store() -> Store:
    """Return the process-wide store; on a workspace problem, say it in words (no path) and stop the page.

    The demo fills an empty workspace only where the configuration says so (local mode by default).
    When another process holds the file, the page says so and retries every few seconds, so a second
    replica on the same file recovers by itself once the file is free.
    """
    cfg = config()
    path = str(cfg.db.resolve())
    try:
        return _open(path, cfg.demo)
    except StoreError as exc:
        print(f"pillars: cannot open the workspace: {exc}", file=sys.stderr)  # the path and detail go to the log only
        st.error(f"Pillars cannot open its workspace. {exc.public}", icon=":material/error:")
        if exc.locked:
            _retry_open(path, cfg.demo)
        st.stop()
        raise  # unreachable; st.stop raises


@st.fragment(run_every=_RETRY_SECONDS)
def _retry_open(path: str, demo: bool) -> None:
    st.caption(f"Trying again every {_RETRY_SECONDS} seconds…")
    try:
        _open(path, demo)
    except StoreError:
        return
    st.rerun(scope="app")


def data_version() -> int:
    """Return the workspace's data version (cheap: one tiny query per script run)."""
    return get_store().data_version()


def _run_store() -> Store:
    """Return the store, looked up once per script run.

    A page asks for ~10 cached results, and each get_store() resolved the workspace path (file-system
    calls). The areas' versions need no lookup here: the store reads them from the file only after a
    commit in this process (Store.data_versions).
    """
    ctx = get_script_run_ctx()
    seen = getattr(ctx, "_pillars_store", None) if ctx is not None else None
    if seen is not None and seen[0] is ctx.cursors:  # ctx.cursors is a new dict on every run
        return seen[1]
    store = get_store()
    if ctx is not None:
        ctx._pillars_store = (ctx.cursors, store)
    return store


def cached(fn: Callable, *args, **kwargs) -> Any:
    """Call fn(store, *args, **kwargs) through a cache keyed on the (small) arguments and the versions
    of the data areas fn reads (pm_core.store.areas.READS): a write elsewhere leaves the result cached.

    The cache is the store's memo (one per process, shared by every session): sessions asking for
    the same result at once wait for one computation, so after a write it is computed once, not once
    per viewer. Lists, dicts and DataFrames come back as shallow copies, so a page that adds to what
    it got changes only its own copy. It replaced st.cache_data, which pickled every result in and
    out on every hit: a sixth of an Overview run (bench/bench_sessions.py, 25 viewers).
    """
    store = _run_store()
    call = (fn.__module__, fn.__name__, tuple(args), tuple(sorted(kwargs.items())))
    try:
        key = hashlib.blake2b(pickle.dumps(call, protocol=5), digest_size=20).hexdigest()
    except Exception:  # an argument that does not pickle has no safe key: computed, not cached
        return fn(store, *args, **kwargs)
    return _own_copy(store.memo(("ui.cached", key), lambda: fn(store, *args, **kwargs), areas=reads(fn)))


def _own_copy(value: Any) -> Any:
    # pandas 3 copies on write, so a shallow copy shares the data until either side changes it
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    if type(value).__module__.startswith("pandas.") and hasattr(value, "copy"):
        return value.copy(deep=False)
    return value


@st.cache_data(max_entries=256, show_spinner=False)
def _chart_spec(key: str, _module: str, _name: str, _inputs: tuple, _options: tuple) -> dict:
    # only `key` is hashed by Streamlit (arguments named with a leading underscore are not)
    builder = getattr(importlib.import_module(_module), _name)
    # st.vega_lite_chart turns every inline dataset into Arrow IPC bytes on every call (through a
    # DataFrame: 2-5 ms per chart and run), so the conversion is done once, with the spec
    return _with_arrow_data(builder(*_inputs, **dict(_options)))


def chart(builder: Callable, *inputs, **options) -> None:
    """Render builder(*inputs) (an Altair chart from pm_core.charts) from a cached Vega-Lite spec.

    Inputs are the small aggregates a page already holds; building and validating an Altair chart
    on every rerun cost 100-300 ms per chart, which is why the spec is cached on them. The cache key
    is a digest of the pickled inputs: Streamlit's own hasher walks DataFrames and pydantic models
    in Python and cost 10-40 ms per chart on every rerun of the career page.
    """
    opts = tuple(sorted(options.items()))
    ref = (builder.__module__, builder.__name__)
    try:
        key = hashlib.blake2b(pickle.dumps((ref, inputs, opts), protocol=5), digest_size=20).hexdigest()
    except Exception:  # an input that does not pickle: no cache, still a chart
        spec = for_page(builder(*inputs, **options))
        st.vega_lite_chart(spec, width="stretch", alt=describe(spec))
        return
    spec = _chart_spec(key, *ref, tuple(inputs), opts)
    st.vega_lite_chart(spec, width="stretch", alt=describe(spec))


_DERIVED_LOCK = threading.Lock()
_DERIVED: dict[tuple[int, str], tuple[Any, Any]] = {}
_DERIVED_MAX = 512


def derived(obj: Any, fn: Callable[[Any], Any]) -> Any:
    """Return fn(obj), kept while obj is the same object: what a page derives from a cached result.

    A cached result comes back as the same object on every run and for every session (a briefing's
    chart spec, a table's rows), so what is derived from it for display is kept by identity, with obj
    itself, so its identity cannot be reused by another object. An object built anew derives anew.
    The value is shared: callers must not change it.
    """
    key = (id(obj), f"{fn.__module__}.{fn.__qualname__}")
    with _DERIVED_LOCK:
        hit = _DERIVED.get(key)
    if hit is not None and hit[0] is obj:
        return hit[1]
    value = fn(obj)
    with _DERIVED_LOCK:
        if len(_DERIVED) >= _DERIVED_MAX:
            _DERIVED.pop(next(iter(_DERIVED)))
        _DERIVED[key] = (obj, value)
    return value


def _with_arrow_data(spec: dict) -> dict:
    # Inline rows go out as Arrow IPC bytes, which st.vega_lite_chart passes through as they are (named
    # datasets only: Streamlit 1.67 elements/vega_charts.py _marshall_chart_data).
    out = for_page(spec)  # fit the width, keep the plot's height (pm_core.charts.layout says why)
    datasets = dict(out.get("datasets") or {})
    data = out.get("data")
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        datasets["_inline"] = data["values"]
        out["data"] = {**{k: v for k, v in data.items() if k != "values"}, "name": "_inline"}
    for name, rows in list(datasets.items()):
        if isinstance(rows, list):
            datasets[name] = dataframe_util.convert_anything_to_arrow_bytes(rows)
    if datasets:
        out["datasets"] = datasets
    return out


def vega(spec: dict, alt: str | None = None) -> None:
    """Render a Vega-Lite spec dict that a cached result holds (a briefing's chart), its rows converted once.

    Converting the rows to Arrow was 2-3 ms a chart and run, a tenth of a Stakeholder views run
    (bench_sessions.py); derived() keeps the converted spec while the cached spec is the same object.
    """
    st.vega_lite_chart(spec=derived(spec, _with_arrow_data), width="stretch", alt=alt)


def clear_caches() -> None:
    """Drop cached results (tests call this between runs; writes bump the data version instead)."""
    get_store().clear_memo()
    _chart_spec.clear()
    with _DERIVED_LOCK:
        _DERIVED.clear()


# -- page runs take turns -------------------------------------------------------------------------
# Every session's script runs in its own thread and one GIL runs them all. With 25 viewers at once,
# 25 threads shared it in 5 ms slices: every page finished near the end of the crowd's work, and the
# switching, lock hand-offs and event-loop wake-ups cost CPU of their own. Taking turns, one run at a
# time, bench/bench_sessions.py (25 viewers + 2 editors, load 2.5) went from median 0.94 s / max
# 1.65 s and 37 ms of server CPU a page (no turns) to 0.72 s / 1.06 s and 33 ms; two at a time gave
# 0.94 s / 1.65 s. DuckDB releases the GIL in its queries, so a run waiting on one holds the turn
# idle, which is why a run that has waited _SLOT_WAIT_S goes ahead anyway: one slow page (a large
# import) never stalls everyone behind it for longer than that.
_RUN_SLOTS = threading.BoundedSemaphore(1)
_SLOT_WAIT_S = 1.0


@contextlib.contextmanager
def run_slot() -> Iterator[None]:
    """Hold the process's page-run turn while the block runs; after waiting _SLOT_WAIT_S, run without it."""
    got = _RUN_SLOTS.acquire(timeout=_SLOT_WAIT_S)
    try:
        yield
    finally:
        if got:
            _RUN_SLOTS.release()


# -- who is looking --------------------------------------------------------------------------
def _identity_email() -> str | None:
    try:
        info = st.user.to_dict()
    except Exception:  # st.user is unavailable outside a server context
        return None
    email = info.get("email")
    return str(email) if email else None


def current_actor() -> Actor:
    """Return the acting user: an editor locally; in intranet mode an editor only if listed, else a viewer."""
    mode = app_mode()
    return resolve_role(_identity_email() if mode == "intranet" else None, mode, editor_emails())


# -- shared widgets --------------------------------------------------------------------------
def page_header(title: str, question: str) -> None:
    """Render a page title and the one line saying what the page answers."""
    st.title(title)
    st.caption(question)


def empty_state(what: str, kind_hint: str) -> None:
    """Render an empty state that says what to import and where (the Data page, for editors)."""
    actor = current_actor()
    where = "Import it on the **Data** page." if actor.can_edit else "Ask an editor to import it on the Data page."
    st.info(f"**{what}** {kind_hint} {where}", icon=":material/upload_file:")
    if actor.can_edit:
        st.page_link(DATA_PAGE, label="Go to Data", icon=":material/upload_file:")


def sidebar_identity() -> None:
    """Show who is looking and whether they can edit, in the sidebar."""
    actor = current_actor()
    with st.sidebar:
        role = "Editor" if actor.can_edit else "Viewer (read-only)"
        st.caption(f"Signed in as **{md(actor.email)}** · {role}")
        if actor.can_edit:
            from pm_core.settings import settings_problems

            problems = cached(settings_problems)
            if problems:
                st.warning(f"{len(problems)} stored setting{'s' if len(problems) > 1 else ''} out of range; the "
                           "default is used until it is fixed on the Settings page.", icon=":material/warning:")
        if app_mode() == "intranet" and not actor.can_edit and _login_configured():
            if st.button("Sign in", key="_pillars_login"):
                st.login()


def _login_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def query_param(name: str, allowed: list[str] | None = None, default: str | None = None) -> tuple[str | None, str | None]:
    """Return (value, notice) for a URL parameter; an invalid value falls back to the default with a notice."""
    raw = st.query_params.get(name)
    if raw is None or raw == "":
        return default, None
    if allowed is not None and raw not in allowed:
        return default, (f"The link asked for {name} '{md(raw)}', which does not exist here; "
                         f"showing {md(default) or 'the default'} instead.")
    return raw, None


# == view state kept in the URL ===================================================================
# A page declares its shareable state once (name -> UrlParam); url_state seeds the widgets' session
# keys from the link on the first run, and sync_url writes back whatever differs from its default,
# so a copied address reopens the same view (the roadmap's filters, Growth's tab, segment and funnel).
class UrlParam:
    """One piece of view state in the URL: the values it may take (None: any), its default as text, and how the
    text becomes the widget's value (`read` raises ValueError for a bad value; `invalid` is the notice then).
    `many` keeps a list (repeated ?name=a&name=b), each item checked against `allowed`; `state` names the session
    key (f'{prefix}_{state}') when it is not the URL name (a value the page sets itself, not a widget's)."""

    def __init__(self, allowed: list[str] | None, default: str | list[str] = "", read: Callable[[str], Any] | None = None,
                 invalid: str = "", many: bool = False, state: str | None = None,
                 write: Callable[[Any], str] | None = None):
        self.allowed, self.default, self.read, self.invalid, self.many = allowed, default, read, invalid, many
        self.state, self.write = state, write

    def text(self, value: Any) -> str | list[str]:
        """Return the widget value as URL text ('' or [] when unset; `write` turns a widget value back into text)."""
        if self.many:
            return [str(v) for v in (value or [])]
        if self.write is not None and value is not None:
            return self.write(value)
        return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def url_state(prefix: str, spec: dict[str, Any]) -> list[str]:
    """Seed st.session_state[f'{prefix}_{name}'] from the URL for every declared name not set yet; return the notices
    for values the link asked for that do not exist here (the default is used for those)."""
    notices = []
    for name, param in spec.items():
        p = param if isinstance(param, UrlParam) else UrlParam(*param)
        key = f"{prefix}_{p.state or name}"
        if key in st.session_state:
            continue
        if p.many:
            raw = [v for v in st.query_params.get_all(name) if v != ""]
            bad = [v for v in raw if p.allowed is not None and v not in p.allowed]
            if bad:
                notices.append(f"The link asked for {name} '{md(', '.join(bad))}', which does not exist here; "
                               "it was left out.")
            st.session_state[key] = [v for v in raw if v not in bad] if raw else list(p.default)
            continue
        value, notice = query_param(name, p.allowed, p.default)
        if p.read is not None:
            try:
                value = p.read(value)
            except (TypeError, ValueError):
                notice = p.invalid.format(name=name, value=md(value)) or (
                    f"The link's {name} '{md(value)}' could not be read; the default is used.")
                value = p.read(p.default)
        st.session_state[key] = value
        if notice:
            notices.append(notice)
    return notices


def sync_url(prefix: str, spec: dict[str, Any]) -> None:
    """Write every declared value that differs from its default into the URL, and drop the others."""
    for name, param in spec.items():
        p = param if isinstance(param, UrlParam) else UrlParam(*param)
        text = p.text(st.session_state.get(f"{prefix}_{p.state or name}"))
        default = list(p.default) if p.many else p.default
        if text and text != default:
            if (st.query_params.get_all(name) if p.many else st.query_params.get(name)) != text:
                st.query_params[name] = text
        elif name in st.query_params:
            del st.query_params[name]


def range_state(prefix: str, choices: list[str], default: str = "all") -> dict[str, Any]:
    """Return the URL-state declarations of a range picker (period, compare): spread them into a page's spec.

    A period the choices do not list is still accepted when pm_core reads it (a custom range
    '2026-11-03..2026-11-09', any 'last-Nd'), so a shared custom range reopens as itself.
    """
    from pm_core.periods import COMPARES, PeriodError, parse_period

    def read(text: str) -> str:
        if text in choices:
            return text
        try:
            parse_period(text)
        except PeriodError:
            raise ValueError(text) from None
        return text

    return {"period": UrlParam(None, default, read, "The link asked for period '{value}', which does not exist here; "
                                                   f"showing {'all data' if default == 'all' else default} instead.",
                               state="range"),
            "compare": (list(COMPARES), "previous")}


def range_picker(prefix: str, choices: list[str], words: Callable[[str], str], label: str = "Period",
                 compare: bool = True) -> tuple[str, str]:
    """Render the period picker (all data, rolling ranges, the data's quarters and months, or custom dates) and the
    'compared with' choice (compare=False leaves it out: 'previous'); return (period text for pm_core, compare). The
    chosen text is kept in f'{prefix}_range' (what range_state puts in the URL); the widgets are f'{prefix}_period',
    f'{prefix}_dates', f'{prefix}_compare'."""
    import datetime as dt

    from pm_core.periods import COMPARES, PeriodError, parse_period

    state, key = f"{prefix}_range", f"{prefix}_period"
    current = st.session_state.get(state, choices[0])
    if key not in st.session_state:
        st.session_state[key] = current if current in choices else "custom"
    c1, c2, c3 = st.columns([1.6, 1.6, 1.4])
    with c1:
        picked = st.selectbox(label, [*choices, "custom"], key=key,
                              format_func=lambda p: "Custom range…" if p == "custom" else words(p),
                              help="Rolling ranges move with today: 'last 30 days' is the 30 whole days before today; "
                                   "'this month' runs through today. Monthly KPIs report the latest complete month "
                                   "of a quarter or of all data.")
    if picked == "custom":
        try:
            shown = parse_period(current if current not in choices else "last-30d")
            start, last = shown.start, shown.end - dt.timedelta(days=1)
        except PeriodError:
            start = last = dt.date.today()
        with c2:
            dates = st.date_input("From – to", (start, last), key=f"{prefix}_dates", format="YYYY-MM-DD")
        if isinstance(dates, (list, tuple)) and len(dates) == 2:
            picked = f"{dates[0].isoformat()}..{dates[1].isoformat()}"
        else:  # one end picked so far: keep the range shown until the second one is
            picked = current if current not in choices else f"{start}..{last}"
    st.session_state[state] = picked
    wanted, compare = compare, "previous"
    if picked != "all" and wanted:
        with c3:
            compare = st.segmented_control("Compared with", list(COMPARES), key=f"{prefix}_compare", required=True,
                                           format_func=lambda c: "previous period" if c == "previous" else "a year before",
                                           help="The previous period of the same length, or the same dates a year "
                                                "before.") or "previous"
    return picked, compare


def segment_filter(prefix: str, options: dict[str, list[str]], url_text: str | None) -> tuple[Any, list[str]]:
    """Render the segment filter in a popover and return (pm_core Segment, notices): a picker per property offered
    (several values each, 'is not'), and a text box in the segment grammar for any other property or value
    (`city="Washington, D.C.",plan!=free`). Seeded once from the URL's segment text; the link's conditions the
    pickers cannot hold go to the text box, so a shared link is never narrowed or widened silently."""
    from pm_core import segments

    notices: list[str] = []
    seeded = f"{prefix}_seg_seeded"
    if seeded not in st.session_state:
        try:
            seg = segments.parse(url_text)
        except segments.SegmentError as exc:  # the message quotes the link's text, escaped, so it shows as typed
            seg = segments.EVERYONE
            notices.append(f"The link's segment filter could not be read ({md(str(exc))}); showing every segment.")
        typed = []
        for c in seg.conditions:
            if c.key in options and all(v in options[c.key] for v in c.values):
                st.session_state[f"{prefix}_seg_{c.key}"] = list(c.values)
                st.session_state[f"{prefix}_segnot_{c.key}"] = c.negate
            else:  # a property or value the pickers do not list: kept as typed text
                typed.append(c)
                if c.key in options:
                    notices.append(f"The link's segment '{md(c.text())}' names a value this data does not have; it is "
                                   "kept in the typed box, so the figures cover nobody until it is changed.")
        st.session_state[f"{prefix}_segtext"] = segments.Segment(tuple(typed)).text()
        st.session_state[seeded] = True
    conds = []
    for key in options:
        vals = st.session_state.get(f"{prefix}_seg_{key}") or []
        if vals:
            conds.append(segments.Condition(key, tuple(vals), bool(st.session_state.get(f"{prefix}_segnot_{key}"))))
    typed_text = st.session_state.get(f"{prefix}_segtext") or ""
    try:
        seg = segments.parse([*conds, *segments.parse(typed_text).conditions])
        problem = None
    except segments.SegmentError as exc:
        seg, problem = segments.parse(conds), str(exc)
        notices.append(f"The typed segment is not used: {md(problem)}")
    with st.popover(f"Segment: {md(seg.describe())}" if seg else "Segment: everyone", icon=":material/filter_alt:"):
        st.caption("Keep events whose property has one of the chosen values (or none of them, with 'is not'). "
                   "All conditions must hold.")
        for key, values in options.items():
            a, b = st.columns([4, 1])
            with a:
                st.multiselect(md(key), values, key=f"{prefix}_seg_{key}")
            with b:
                st.toggle("is not", key=f"{prefix}_segnot_{key}", help=f"Keep events whose {md(key)} is none of these.")
        st.text_input("Other properties (typed)", key=f"{prefix}_segtext", placeholder='plan!=free,city="Lisbon"',
                      help="Any property and value in the segment grammar: property=value, A|B for several values, "
                           "!= for 'is not', commas between properties, quotes around names or values holding = ! , | "
                           "or quotes.")
    return seg, notices


def source_picker(prefix: str, sources: list[str], all_label: str, help: str) -> str | None:
    """Draw the Source picker (events imported from one tool) and return the picked source, None for all.

    Nothing is drawn, and None returned, when the events came from fewer than two tools. The first
    choice is the link's source (?segment=@source=NAME) when it names exactly one known source.
    """
    if len(sources) < 2:
        return None
    from pm_core import segments

    try:
        linked = segments.parse(st.query_params.get("segment")).sources
    except segments.SegmentError:  # segment_filter says so; the picker starts at every source
        linked = ()
    choices = [all_label, *sources]
    current = linked[0] if len(linked) == 1 and linked[0] in sources else all_label
    picked = st.selectbox("Source", choices, index=choices.index(current), key=f"{prefix}_source", help=help)
    return None if picked == all_label else picked


def sparkline_svg(values: list, colour: str | None = None) -> str:
    """Return a trend line (and its last point) as a small SVG drawing: no script, no chart library.

    Missing values (None/NaN) break the line; fewer than two finite values draw nothing but the frame.
    """
    colour = colour or st.get_option("theme.primaryColor") or "#3552C8"
    w, h, pad = 240.0, 40.0, 3.0
    pts = [(i, float(v)) for i, v in enumerate(values) if v is not None and math.isfinite(float(v))]
    body = ""
    if len(pts) >= 2:
        lo, hi = min(v for _, v in pts), max(v for _, v in pts)
        span, last = (hi - lo) or 1.0, max(1, len(values) - 1)

        def xy(i: int, v: float) -> tuple[float, float]:
            return pad + i * (w - 2 * pad) / last, h - pad - ((v - lo) / span if hi > lo else 0.5) * (h - 2 * pad)

        runs, run, prev = [], [], None
        for i, v in pts:
            if prev is not None and i != prev + 1:
                runs.append(run)
                run = []
            run.append(xy(i, v))
            prev = i
        runs.append(run)
        body = "".join(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in r)}"/>' for r in runs if len(r) > 1)
        cx, cy = xy(*pts[-1])
        body += f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{colour}" stroke="none"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:g} {h:g}" width="{w:g}" height="{h:g}" '
            f'fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round">'
            f"{body}</svg>")


def sparkline(values: list, alt: str) -> None:
    """Draw a trend as a static SVG image inline in the page (an <img> with a data: URL, no script, no request).

    st.image stored each drawing in the session's media files, which the browser then fetched one by
    one (17 requests on Overview for every viewer) and cost twice a Markdown element on the server.
    """
    uri = "data:image/svg+xml;base64," + base64.b64encode(sparkline_svg(values).encode()).decode()
    st.markdown(f'<img src="{uri}" alt="{html_escape(alt)}" role="img" style="width:100%;height:40px;display:block">',
                unsafe_allow_html=True)


def metric_tiles(items: list, *, slide: bool = False) -> None:
    """Render briefing MetricItems as st.metric tiles, three per row, with the definition in the tooltip.

    On a slide the tiles have no border or caption (the period goes in the tooltip); on a page each
    tile has a border and a caption with its period and note.
    """
    for start in range(0, len(items), 3):
        for col, m in zip(st.columns(3), items[start:start + 3]):
            with col:
                change = m.change_text
                tip = f"{m.definition} ({m.period})" if slide else f"{m.definition} Source: {m.source}."
                st.metric(md(m.label), m.value_text, delta=None if change == "—" else change,
                          delta_color="off" if m.arrow == "off" else "normal" if m.higher_is_better else "inverse",
                          delta_arrow=m.arrow, border=not slide,
                          help=md(tip))
                if not slide:
                    st.caption(md(m.period + (f" · {m.note}" if m.note else "")))


# == static tables ================================================================================
def _md_cells(data: Any) -> Any:
    # st.table renders every text cell and header as Markdown (Streamlit 1.67): user text such as
    # ![i](http://host/p.png) became an image the viewer's browser fetched (tests/e2e/test_injection.py)
    import pandas as pd

    df = data.to_pandas() if hasattr(data, "to_pandas") and not isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    df = df.map(lambda v: md(v) if isinstance(v, str) else v)
    df.columns = [md(c) if isinstance(c, str) else c for c in df.columns]
    return df


def static_table(data: Any, *, cached: bool = False) -> None:
    """Draw a static table (every row, long text wrapping) with every text cell and header shown as typed.

    cached=True keeps the escaped frame with `data` (ui.derived) when `data` is a cached object.
    """
    frame = derived(data, _md_cells) if cached else _md_cells(data)
    st.table(frame, hide_index=True, border="horizontal")


# == status badges ================================================================================
# One drawing per tone (pm_core.tones decides which status has which tone): Streamlit's badge colour,
# a Material icon and a dot for tables, where badges cannot go.
_TONE_STYLE = {
    Tone.GOOD: ("green", ":material/check_circle:", "🟢"),
    Tone.WARN: ("orange", ":material/warning:", "🟠"),
    Tone.BAD: ("red", ":material/error:", "🔴"),
    Tone.NONE: ("gray", ":material/radio_button_unchecked:", "⚪"),
    Tone.ACTIVE: ("blue", ":material/pending:", "🔵"),
    Tone.EARLY: ("violet", ":material/explore:", "🟣"),
}


def badge(label: str, tone: Tone, where: Any = None) -> None:
    """Draw a status badge (label escaped) in the given container, or in the page."""
    colour, icon, _ = _TONE_STYLE[tone]
    (where or st).badge(md(label), color=colour, icon=icon)


def badge_md(label: str, tone: Tone) -> str:
    """Return a status badge as Markdown for inline use (':green-badge[On track]'), label escaped."""
    return f":{_TONE_STYLE[tone][0]}-badge[{md(label)}]"


def tone_icon(tone: Tone) -> str:
    """Return the Material icon of a tone, for labels that take one (metric labels, captions)."""
    return _TONE_STYLE[tone][1]


def tone_dot(tone: Tone) -> str:
    """Return the coloured dot of a tone, for table cells (which draw no badges or icons)."""
    return _TONE_STYLE[tone][2]


# == confirmation after a save ====================================================================
# A save ends with st.rerun() so the page redraws from the new data; anything drawn before the rerun is
# lost. flash() keeps the confirmation in the session and show_flash(), which every editing page calls
# right below its header, draws it once on the next run.
_FLASH_KEY = "_pillars_flash"


def flash(message: str, **user_text: Any) -> None:
    """Keep `message` to confirm a save on the next run; call st.rerun() after it.

    Name user-written parts in braces and pass them as keywords: they are Markdown-escaped before
    they are filled in, e.g. flash("Saved battle card for {title}.", title=initiative_title).
    """
    if user_text:
        message = message.format(**{k: md(v) for k, v in user_text.items()})
    st.session_state[_FLASH_KEY] = message


def show_flash() -> None:
    """Draw the confirmation kept by flash(), once: a success box here and a toast (seen wherever the page is scrolled)."""
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")
        st.toast(message, icon=":material/check_circle:")
