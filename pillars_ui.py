"""The one glue module between Streamlit and pm_core: connection, caching, current actor, shared widgets.

Pages import from here and from pm_core; nothing else in the UI touches the store or Streamlit's
caches directly.
"""
from __future__ import annotations

import hashlib
import importlib
import math
import pickle
import sys
from typing import Any, Callable

import streamlit as st
from streamlit import dataframe_util
from streamlit.runtime.scriptrunner import get_script_run_ctx

from pm_core.auth import Actor, resolve_role
from pm_core.text import md
from pm_core.config import Config, ConfigError, is_loopback, load_config
from pm_core.store import Store, StoreError, open_store
from pm_core.store.areas import AREAS, reads

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


# st.cache_data (Streamlit 1.67, runtime/caching/cache_utils.py _handle_cache_miss) holds a lock per
# key while it computes: sessions asking for the same result at the same moment wait for one
# computation, so after a write the result is computed once, not once per viewer.
# Only `key` is hashed by Streamlit (arguments with a leading underscore are not): it is a digest of
# the pickled call and versions, because Streamlit's hasher walks every argument in Python (a page
# run spent 3-5 ms in it over ~10 calls).
@st.cache_data(max_entries=512, show_spinner=False)
def _cached(key: str, _module: str, _name: str, _args: tuple, _kwargs: tuple) -> Any:
    fn = getattr(importlib.import_module(_module), _name)
    return fn(get_store(), *_args, **dict(_kwargs))


def _store_and_versions() -> tuple[Store, dict[str, int]]:
    """Return the store and every data area's version, looked up once per script run (versions again
    after a write through the store).

    A page asks for ~10 cached results; each get_store() resolved the workspace path (file-system
    calls) and each versions query cost 0.4 ms and a cursor. A write by another session in this
    process moves store.commits, so the next call reads the versions again.
    """
    ctx = get_script_run_ctx()
    seen = getattr(ctx, "_pillars_versions", None) if ctx is not None else None
    if seen is not None and seen[0] is ctx.cursors:  # ctx.cursors is a new dict on every run
        store = seen[1]
        if seen[2] == store.commits:
            return store, seen[3]
    else:
        store = get_store()
    commits = store.commits
    versions = dict(zip(AREAS, store.data_versions()))
    if ctx is not None:
        ctx._pillars_versions = (ctx.cursors, store, commits, versions)
    return store, versions


def cached(fn: Callable, *args, **kwargs) -> Any:
    """Call fn(store, *args, **kwargs) through a cache keyed on the (small) arguments and the versions
    of the data areas fn reads (pm_core.store.areas.READS): a write elsewhere leaves the result cached."""
    _, now = _store_and_versions()
    versions = tuple(now[a] for a in reads(fn))
    call = (fn.__module__, fn.__name__, tuple(args), tuple(sorted(kwargs.items())))
    try:
        key = hashlib.blake2b(pickle.dumps((call, versions), protocol=5), digest_size=20).hexdigest()
    except Exception:  # an argument that does not pickle: Streamlit's own hasher decides
        return _cached_hashed(*call, versions)
    return _cached(key, *call)


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_hashed(module: str, name: str, args: tuple, kwargs: tuple, versions: tuple) -> Any:
    fn = getattr(importlib.import_module(module), name)
    return fn(get_store(), *args, **dict(kwargs))


@st.cache_data(max_entries=256, show_spinner=False)
def _chart_spec(key: str, _module: str, _name: str, _inputs: tuple, _options: tuple) -> dict:
    # only `key` is hashed by Streamlit (arguments named with a leading underscore are not)
    builder = getattr(importlib.import_module(_module), _name)
    spec = builder(*_inputs, **dict(_options)).to_dict(validate=False)
    # st.vega_lite_chart turns every inline dataset into Arrow IPC bytes on every call (through a
    # DataFrame: 2-5 ms per chart and run) and passes bytes through as they are (Streamlit 1.67,
    # elements/vega_charts.py _marshall_chart_data), so the same conversion is done once, here.
    for name, rows in list(spec.get("datasets", {}).items()):
        if isinstance(rows, list):
            spec["datasets"][name] = dataframe_util.convert_anything_to_arrow_bytes(rows)
    return spec


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
        st.vega_lite_chart(builder(*inputs, **options).to_dict(validate=False), width="stretch")
        return
    st.vega_lite_chart(_chart_spec(key, *ref, tuple(inputs), opts), width="stretch")


def clear_caches() -> None:
    """Drop cached results (tests call this between runs; writes bump the data version instead)."""
    _cached.clear()
    _cached_hashed.clear()
    _chart_spec.clear()


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
    """Draw a trend as a static SVG image (an <img>: Chromium draws it without any script)."""
    st.image(sparkline_svg(values), width="stretch", alt=alt)


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
