"""Growth: active users and stickiness, retention cohorts, and funnels, over the imported events."""
from __future__ import annotations

import datetime as dt

import streamlit as st

import pillars_ui as ui
from pm_core import breakdowns, growth, metrics
from pm_core.charts import breakdowns as bcharts
from pm_core.charts import growth as charts
from pm_core.formatting import fmt_change, fmt_days, fmt_int, fmt_pct
from pm_core.growth import GrowthError
from pm_core.periods import HEADLINE_RULE, calendar_words, parse_period, period_start
from pm_core.settings import get_settings, unset_note
from pm_core.text import md

ui.page_header("Growth", "Are more people using the product, do they come back, and where do they drop out before the goal?")

names = ui.cached(growth.event_names)
if not names:
    ui.empty_state("No product events yet.",
                   "Import an events export (Amplitude, Mixpanel, PostHog, or a CSV with user, event and time) "
                   "to see active users, retention and funnels.")
    st.stop()

first, last = ui.cached(growth.event_span)
settings = ui.cached(get_settings)


def _window(text: str) -> int:
    """Return a conversion window read from the URL; ValueError for anything but a whole number from 0."""
    n = int(text)
    if n < 0:
        raise ValueError(text)
    return n

WINDOW_UNITS = {"minutes": "m", "hours": "h", "days": "d"}
TABS = {"active": "Active users", "retention": "Retention", "funnels": "Funnels"}
options = ui.cached(metrics.segment_options)
choices = ui.cached(metrics.range_choices)
sources = ui.cached(metrics.event_sources)  # events from two tools are two user bases (issue 14)
head = None

# The view lives in the URL (tab, range, segment, breakdown, funnel steps and options), declared once, so a shared
# link reopens it (pillars_ui.url_state / sync_url, the one URL-state helper).
_label_tab = {v: k for k, v in TABS.items()}
URL_STATE = {
    "tab": ui.UrlParam(list(TABS), "active", read=TABS.get, write=lambda label: _label_tab.get(label, "active")),
    **ui.range_state("growth", choices),
    "segment": (None, ""),
    "by": ui.UrlParam(["", *options], ""),
    "top": ui.UrlParam([str(i) for i in range(1, 21)], "5", read=int),
    "steps": ui.UrlParam(names, [e for e in (settings["funnel_start_event"], settings["funnel_goal_event"]) if e in names],
                         many=True, state="funnel_steps"),
    "window": ui.UrlParam(None, str(int(settings["conversion_window_days"])), read=_window, state="funnel_window",
                          invalid="The link's conversion window '{value}' is not a whole number from 0; the default is used."),
    "unit": ui.UrlParam(list(WINDOW_UNITS), "days", state="funnel_window_unit"),
    "attempt": ui.UrlParam(["any", "first"], "any", state="funnel_attempt"),
    "exclude": ui.UrlParam(names, [], many=True, state="funnel_exclude"),
}
for n in ui.url_state("growth", URL_STATE):
    st.warning(n)
period, compare = ui.range_picker("growth", choices, metrics.range_words)
g1, g2, g3, g4 = st.columns([1.6, 1.4, 0.8, 1.2])
with g1:
    picked_segment, seg_notices = ui.segment_filter("growth", options, st.query_params.get("segment"))
with g2:
    by = st.selectbox("Break down by", ["", *options], key="growth_by",
                      format_func=lambda k: "No breakdown" if not k else k,
                      help="A line per value of an event property (the most common values, the rest as Other).")
with g3:
    top = st.number_input("Top values", min_value=1, max_value=20, step=1, key="growth_top", disabled=not by)
with g4:
    source = ui.source_picker("growth", sources, "Every source", "Keeps only events imported from this tool.")
for n in seg_notices:
    st.warning(n)
# One segment grammar (pm_core.segments); its canonical text is hashable, so it is also the cache key.
seg = picked_segment.with_sources([source] if source else None)
segment = seg.text()
st.session_state["growth_segment"] = segment
shown = parse_period(period, compare=compare)
span = None if shown.is_all else (shown.start, shown.end - dt.timedelta(days=1))
cal = calendar_words(settings["time_zone"], settings["week_start"])
# Active users, retention cohorts, funnels (the range attempts start in, their trends) and the KPIs are all cut in
# the workspace calendar, which the caption states.
cal_text = f"Periods: {cal}"
axis_cal = f"{settings['time_zone']}, weeks from {settings['week_start'].capitalize()}"  # chart axes name the calendar
st.caption(f"Events from {first:%d %b %Y} to {last:%d %b %Y %H:%M} UTC · {md(shown.describe())} · "
           f"{md(seg.describe()) if seg else 'everyone'}. {cal_text}; a user is active in a period if they have any "
           "event in it. Dashed lines mark roadmap launches and experiment starts and ends.")
notes = ui.cached(breakdowns.annotations)

tab_active, tab_ret, tab_funnel = st.tabs(list(TABS.values()), key="growth_tab", on_change="rerun")

# -- active users ------------------------------------------------------------------------------
def _clip(df, col: str = "period_start"):
    """Keep the periods that overlap the picked range (every period for all data)."""
    if span is None or df.empty:
        return df
    return df[(df[col] <= span[1]) & (df[col] >= period_start(span[0], "month"))]


with tab_active:
    with st.spinner("Counting active users…"):
        dau = ui.cached(growth.active_users_series, "day", segment)
        wau = ui.cached(growth.active_users_series, "week", segment)
        mau = ui.cached(growth.active_users_series, "month", segment)
        stick = ui.cached(growth.stickiness_series, segment)
        kpis = ui.cached(metrics.compute_kpis, period, segment, None, compare)["growth"]
    head = ui.cached(metrics.headline, period if shown.kind != "month" else "all", segment)
    if mau.empty or not int(mau["active_users"].sum()):
        st.info("No activity for this segment.")
    elif shown.kind == "custom":
        # A range: its own active users, daily users and stickiness, as Overview shows them (metrics.compute_kpis).
        m1, m2, m3 = st.columns(3)
        for col, key, fmt in ((m1, "mau", fmt_int), (m2, "dau", lambda v: f"{v:,.0f}"), (m3, "stickiness", fmt_pct)):
            r = kpis[key]
            col.metric(f"{'Active users' if key == 'mau' else r.label} · {shown.describe()}",
                       "—" if r.value is None else fmt(r.value), border=True,
                       delta=None if fmt_change(r.value, r.previous, r.unit) == "—" else fmt_change(r.value, r.previous, r.unit),
                       help=f"{r.definition} Compared with {parse_period(r.extra['previous_period']).describe()}."
                       if r.extra.get("previous_period") else r.definition)
        rest = (kpis["mau"].note or "").replace(f"Users active in {shown.describe()}.", "").strip()
        st.caption(f"Users active in {md(shown.describe())}, {md(shown.compared_with())}." + (f" {md(rest)}" if rest else ""))
    else:
        # One rule for the month (metrics.headline, as Overview): the latest complete month of the data (of the
        # quarter or year picked), or the month picked; the month the data ends inside is shown to date beside it.
        month = shown.start if shown.kind == "month" else (head.month.start if head is not None else mau["period_start"].iloc[-1])
        row = mau[mau["period_start"] == month]
        srow = stick[stick["month"] == month]
        complete = bool(row["complete"].iloc[0]) if not row.empty else False
        partial = "" if complete else " (partial month)"
        m1, m2, m3 = st.columns(3)
        m1.metric(f"MAU · {month:%B %Y}{partial}", fmt_int(int(row["active_users"].iloc[0]) if not row.empty else 0),
                  border=True, help="Distinct users with any event in the calendar month. " + HEADLINE_RULE)
        if not srow.empty:
            m2.metric(f"Mean DAU · {month:%B %Y}", f"{srow.iloc[0]['mean_dau']:,.0f}", border=True,
                      help="Distinct users per day, averaged over the month's calendar days (a day without events "
                           "counts as 0), as PostHog and Amplitude count them; a partly covered month uses the days "
                           "the data covers.")
            m3.metric(f"Stickiness · {month:%B %Y}", fmt_pct(srow.iloc[0]["stickiness"]), border=True,
                      help="Mean DAU divided by MAU: how many days of the month a typical user comes back.")
        x = kpis["mau"].extra
        if shown.kind != "month" and x.get("to_date_period") and x.get("to_date_value") is not None:
            part = parse_period(x["to_date_period"])
            ch = fmt_change(x["to_date_value"], x.get("to_date_previous"), "users")
            st.caption(f"{head.month.describe() + ' is the latest complete month. ' if head else ''}{part.describe()} so far (1–{x['to_date_days']} "
                       f"{part.start:%b}): {fmt_int(x['to_date_value'])} active users"
                       + (f", {ch} against 1–{x['to_date_days']} {month:%b}." if ch != "—" else "."))
    if not mau.empty and int(mau["active_users"].sum()):
        ui.chart(bcharts.annotated_active_users, _clip(dau), _clip(wau), _clip(mau),
                 breakdowns.within(notes, *(span or (None, None))), axis_cal)
        st.caption("Hollow points on dashed lines are periods the data only partly covers (it starts or ends inside "
                   "them, as the label says), so they read low.")
        if by:
            by_unit = st.segmented_control("Breakdown per", ["day", "week", "month"], default="week", key="growth_by_unit",
                                           required=True, format_func=str.capitalize) or "week"
            try:
                bdf = ui.cached(breakdowns.active_users, by_unit, by, int(top), segment)
            except breakdowns.BreakdownError as exc:
                st.info(md(exc))
                bdf = None
            if bdf is not None:
                ui.chart(bcharts.breakdown_chart, _clip(bdf), f"Active users per {by_unit} by {md(by)}",
                         "Distinct active users", "active_users", "users", by,
                         breakdowns.within(notes, *(span or (None, None))),
                         f"{by_unit.capitalize()} start ({settings['time_zone']}"
                         + (f", weeks from {settings['week_start'].capitalize()})" if by_unit == "week" else ")"))
                st.caption(f"A line per value of {md(by)} (the {int(top)} with the most users); Other is every other "
                           "value, and events without the property. A user with events under two values counts in both.")
        if not stick.empty:
            ui.chart(charts.stickiness_chart, _clip(stick, "month"))
            st.caption("Mean DAU is over calendar days: days without any event count as 0 active users.")
        hmonth = month if shown.kind != "custom" else None
        if hmonth is not None:
            hist = ui.cached(growth.days_active_histogram, f"{hmonth:%Y-%m}", segment)
            if not hist.empty and int(hist["users"].sum()):
                ui.chart(charts.days_active_chart, hist, f"{hmonth:%B %Y}")
                st.caption(f"Each bar is the users active on exactly that many days of {hmonth:%B %Y} (any event on a "
                           "day); users with no event in the month are not counted.")

# -- retention ---------------------------------------------------------------------------------
with tab_ret:
    r1, r2, r3 = st.columns(3)
    with r1:
        unit = st.segmented_control("Cohort period", ["hour", "day", "week", "month"], default="week",
                                    key="growth_ret_unit", format_func=str.capitalize, required=True) or "week"
    with r2:
        who = st.segmented_control("Users", ["first-time", "recurring"], default="first-time", key="growth_ret_who",
                                   required=True, help="First-time: a user's cohort is the period of their first start "
                                   "event. Recurring: a user belongs to every period they did it in.") or "first-time"
    with r3:
        mode = st.segmented_control("Returning", ["on", "on_or_after"], default="on", key="growth_ret_mode", required=True,
                                    format_func=lambda m: "on period N" if m == "on" else "on or after period N",
                                    help="'On': active exactly N periods later. 'On or after': active N or more periods later.") or "on"
    ANY = "Any event"
    e1, e2, e3, e4, e5 = st.columns([1.2, 1.2, 0.8, 0.8, 0.8])
    with e1:
        start_ev = st.selectbox("Start event (puts a user in a cohort)", [ANY, *names], key="growth_ret_start",
                                help="e.g. signed up. Any event: a user's first event of any kind.")
    with e2:
        return_ev = st.selectbox("Return event (counts as coming back)", [ANY, *names], key="growth_ret_return",
                                 help="e.g. booked again. Any event: any activity counts.")
    with e3:
        min_events = st.number_input("Min. return events per period", min_value=1, max_value=10000, value=1, step=1,
                                     key="growth_ret_min", help="A user counts as retained in a period only with at least "
                                     "this many return events in it.")
    range_help = ("Leave both empty for all cohorts (cells then stop at the last event). With an end date, cells run to "
                  "it with zeros where nobody returned, as PostHog shows them.")
    with e4:
        c_from = st.date_input("Cohorts from", value=None, key="growth_ret_from", help=range_help)
    with e5:
        c_to = st.date_input("Cohorts to", value=None, key="growth_ret_to", help=range_help)
    max_k = {"hour": 24, "day": 30, "week": 12, "month": 6}[unit]
    try:
        with st.spinner("Building cohorts…"):
            ret = ui.cached(growth.retention_table, unit, who == "first-time", mode, segment, c_from, c_to, max_k,
                            None if start_ev == ANY else start_ev, None if return_ev == ANY else return_ev,
                            int(min_events), c_to)
    except GrowthError as exc:
        st.error(f"Retention could not be computed: {md(exc)}")
        ret = None
    if ret is not None and not ret.cohorts:
        st.info("No cohorts for this segment.")
    elif ret is not None:
        observable = [k for k, v in ret.weighted.items() if v is not None]
        if observable:
            k1 = observable[0]
            st.metric(f"{unit.capitalize()}-{k1} retention, weighted across cohorts", fmt_pct(ret.weighted[k1]),
                      border=True, width="content",
                      help=f"Retained users / cohort users, summed over cohorts whose {unit} + {k1} is no later than "
                           f"the last {unit} in the data (starting {ret.last_period:%d %b %Y}).")
        ui.chart(charts.retention_heatmap, ret)
        start_txt = f"'{md(ret.start_event)}'" if ret.start_event else "any event"
        back_txt = f"'{md(ret.return_event)}'" if ret.return_event else "any event"
        times_txt = f" at least {ret.min_events} times" if ret.min_events > 1 else ""
        edge = (f"Cells run to the end of the chosen range ({c_to:%d %b %Y}), with 0% where nobody returned, as PostHog "
                "shows them" if ret.padded else
                f"Cells after the last {unit} in the data (starting "
                f"{ret.last_period:{'%d %b %Y %H:00' if unit == 'hour' else '%d %b %Y'}}) are left blank")
        st.caption(f"Each row is a cohort of users by their {start_txt} (its start and size); a cell is the share of it "
                   f"that did {back_txt}{times_txt} in the {unit} N later. {edge}; the weighted mean uses only cohorts "
                   "observable at N.")
        if by:  # the breakdown picked above: a retention curve per value of the property
            try:
                rb = ui.cached(breakdowns.retention, by, int(top), segment, unit, who == "first-time", mode, c_from, c_to,
                               max_k, None if start_ev == ANY else start_ev, None if return_ev == ANY else return_ev,
                               int(min_events), c_to)
            except (breakdowns.BreakdownError, GrowthError) as exc:
                st.info(md(exc))
                rb = None
            if rb is not None and not rb.empty:
                ui.chart(bcharts.retention_breakdown_chart, rb, by, unit)
                st.caption(f"Each value of {md(by)} (the {int(top)} with the most users, then Other) has its own cohorts; "
                           "a point is its weighted retention N periods later.")
        a, b = st.columns(2)
        with a:
            ui.chart(charts.retention_curve, ret)
        with b:
            if observable:
                n = st.select_slider(f"{unit.capitalize()}-N for the trend", options=observable, value=observable[0],
                                     key="growth_ret_n")
                ui.chart(charts.retention_trend_chart, growth.retention_trend(ret, n), n, unit, axis_cal)
            else:
                st.info(f"The data spans a single {unit}: no cohort can be followed yet.")

# -- funnels -----------------------------------------------------------------------------------
def move_step(i: int, delta: int) -> None:
    """Swap funnel step i with its neighbour (a button callback: it runs before the multiselect is drawn again)."""
    cur = list(st.session_state.get("growth_funnel_steps", []))
    j = i + delta
    if 0 <= i < len(cur) and 0 <= j < len(cur):
        cur[i], cur[j] = cur[j], cur[i]
        st.session_state["growth_funnel_steps"] = cur


with tab_funnel:
    start, goal = settings["funnel_start_event"], settings["funnel_goal_event"]
    default = [e for e in (start, goal) if e in names]
    f1, f2, f3, f4 = st.columns([3, 0.8, 0.9, 1.2])
    # The arrows below reorder through session state, so the steps (from the URL or the settings' default, seeded by
    # ui.url_state) are put there rather than passed to the widget (a widget given both warns).
    with f1:
        steps = st.multiselect("Funnel steps, in order (2 to 5 events)", names, max_selections=5,
                               key="growth_funnel_steps", help="Pick events in the order users should do them; "
                               "reorder them with the arrows below.")
    with f2:
        window = st.number_input("Conversion window", min_value=0, max_value=3660 * 24 * 60,
                                 step=1, key="growth_funnel_window",
                                 help="Later steps count only within this long of the attempt's first step.")
    with f3:
        window_unit = st.selectbox("Window unit", list(WINDOW_UNITS), key="growth_funnel_window_unit")
    with f4:
        st.caption(f"Attempts that started in **{md(shown.describe())}** (the period picked above).")
    if len(steps) > 1:
        cols = st.columns(len(steps))
        for i, (col, ev) in enumerate(zip(cols, steps)):
            with col:
                b1, b2 = st.columns(2)
                b1.button("←", key=f"growth_funnel_up_{i}", disabled=i == 0, on_click=move_step, args=(i, -1),
                          help=f"Make '{md(ev)}' step {i}", width="stretch")
                b2.button("→", key=f"growth_funnel_down_{i}", disabled=i == len(steps) - 1, on_click=move_step,
                          args=(i, 1), help=f"Make '{md(ev)}' step {i + 2}", width="stretch")
                st.caption(f"{i + 1}. {md(ev)}")
    o1, o2, o3 = st.columns([1.3, 2, 1.2])
    with o1:
        attempt = st.segmented_control(
            "Which attempts count", ["any", "first"], key="growth_funnel_attempt", required=True,
            format_func=lambda a: "Any attempt" if a == "any" else "First attempt only",
            help="Any attempt (PostHog's default): every first-step event starts an attempt, and a user counts at the "
                 "furthest step any attempt reached. First attempt only: a user's first first-step event is their only "
                 "attempt (as the conversion rate KPI counts).") or "any"
    with o2:
        excluded = st.multiselect("Exclusion steps: drop attempts where the user did", names,
                                  key="growth_funnel_exclude",
                                  help="An attempt with this event between the chosen steps drops out of the funnel, "
                                       "as PostHog's exclusion steps.")
    between = (1, max(2, len(steps)))
    with o3:
        if excluded and len(steps) > 2:
            between = st.select_slider("…between steps", options=list(range(1, len(steps) + 1)),
                                       value=(1, len(steps)), key="growth_funnel_between")
        elif excluded:
            st.caption("Between step 1 and step 2.")
    if len(steps) < 2:
        unset = unset_note(settings, "funnel_start_event", "funnel_goal_event")  # the conversion KPI's funnel
        st.info("Pick at least two events to build a funnel (the first is where users enter)." + (
            f" The conversion rate KPI's funnel is {md(unset)} Once set, they are picked here by default." if unset else ""))
    else:
        window_text = f"{int(window)}{WINDOW_UNITS[window_unit]}"
        exclusions = tuple(f"{e}:{between[0]}-{between[1]}" for e in excluded)
        try:
            with st.spinner("Following users through the funnel…"):
                fr = ui.cached(growth.funnel, tuple(steps), 30, period, segment, window_text, attempt, exclusions)
        except GrowthError as exc:
            st.error(f"The funnel could not be computed: {md(exc)}")
            fr = None
        if fr is not None:
            who_text = "all attempts" if period == "all" else f"attempts that started in {md(shown.describe())}"
            st.metric(f"Conversion {md(steps[0])} → {md(steps[-1])} ({fr.window_label} window, {who_text})",
                      fmt_pct(fr.conversion), border=True, width="content")
            if fr.steps[0].users == 0:
                st.info(f"No users with a '{md(steps[0])}' event for this selection.")
            else:
                ui.chart(charts.funnel_chart, fr)
                if by:  # the breakdown picked above: the same funnel per value of the property
                    try:
                        fb = ui.cached(breakdowns.funnel, tuple(steps), by, int(top), segment, period, window_text,
                                       attempt, exclusions)
                    except breakdowns.BreakdownError as exc:
                        st.info(md(exc))
                        fb = None
                    if fb is not None and not fb.empty:
                        ui.chart(bcharts.funnel_breakdown_chart, fb, by, fr.window_label)
                        st.caption(f"Each value of {md(by)} (the {int(top)} with the most users, then Other) has its own "
                                   "funnel: a bar is the share of its step-1 users who reached the step.")
                rows = [{"Step": f"{i}. {s.event}", "Users": fmt_int(s.users),
                         "From previous step": fmt_pct(s.conversion_from_previous),
                         "From first step": fmt_pct(s.conversion_from_start),
                         "Median time from previous step": fmt_days(s.median_seconds_to_convert / 86400)
                         if s.median_seconds_to_convert is not None else "—",
                         "Mean time from previous step": fmt_days(s.mean_seconds_to_convert / 86400)
                         if s.mean_seconds_to_convert is not None else "—"}
                        for i, s in enumerate(fr.steps, 1)]
                ui.static_table(rows)  # every column shown at 1280 px; long event names wrap
                excl_text = "".join(f" Attempts with '{md(e.event)}' at or after step {e.from_step} and before step "
                                    f"{e.to_step} (or the window's end) drop out." for e in fr.exclusions)
                st.caption(f"{md(growth.ATTEMPT_TEXT[fr.attempt]).capitalize()}. Each later step must happen at or after "
                           f"the previous one and within {fr.window_label.replace('-', ' ')}s of the attempt's first step "
                           f"(exactly the window still counts); times are from each user's best attempt.{excl_text}")
                unit_t = st.segmented_control("Conversion by the period users entered", ["day", "week", "month"],
                                              default="week", key="growth_funnel_trend_unit", required=True,
                                              format_func=str.capitalize) or "week"
                tr = ui.cached(growth.funnel_trend, tuple(steps), unit_t, 30, window_text, attempt, exclusions,
                               segment, period)
                if tr.empty:
                    st.info("Nobody entered the funnel in this selection.")
                else:
                    ui.chart(charts.funnel_trend_chart, tr, unit_t, fr.window_label)
                    st.caption(f"Each point is the users who entered in that {unit_t}; "
                               + ("a user who enters again in a later one counts there too (re-entry). "
                                  if attempt == "any" else "each user counts once, in the period of their first entry. ")
                               + "Faded points are periods whose entrants can still convert after the last event.")

ui.sync_url("growth", URL_STATE)  # last, so every widget above has its value for this run
