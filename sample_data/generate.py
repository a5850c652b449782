"""Generate the demo workspace's export files (Nomadly's "extended stays for digital nomads").

Each file imitates what a real tool writes (Amplitude CSV, Jira Cloud "CSV (all fields)", a
Delighted-style NPS export, a Typeform/Hotjar-style CSAT export, the Kaggle/Udacity A/B layout,
a long metric series, Levels.fyi rows), so the demo goes through the same importers a user's files
do. The story is in /tmp/pillars/story.md and sample_data/README.md.

Deterministic: a seeded numpy Generator drives everything and gzip is written with mtime 0, so
`python sample_data/generate.py` rewrites the files byte for byte. `generate(out_dir)` writes into
another folder (the tests use it to prove that).
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import math
import sys
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

SEED = 20260525
HERE = Path(__file__).resolve().parent

# ---- the story's calendar (UTC, naive) ------------------------------------------------------
START = datetime(2026, 5, 25)           # Monday: first day of product events
END = datetime(2026, 11, 23)            # exclusive: last events on Sunday 2026-11-22
TEST_START = datetime(2026, 7, 6)       # A/B test verified_wifi_filter
TEST_END = datetime(2026, 8, 3)         # exclusive; the filter launched to everyone that day
LAUNCH = TEST_END
PRICING_LAUNCH = datetime(2026, 9, 14)
N_WEEKS = (END - START).days // 7       # 26 full weeks
CONVERSION_WINDOW_MS = 14 * 86_400_000  # A/B "converted": booking_completed within 14 days of exposure
AB_RATES = {"control": 0.090, "treatment": 0.108}

EPOCH = datetime(1970, 1, 1)
DAY_MS = 86_400_000


def to_ms(dt: datetime) -> int:
    return int((dt - EPOCH).total_seconds()) * 1000 + dt.microsecond // 1000


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=int(ms))


START_MS, END_MS = to_ms(START), to_ms(END)
TEST_START_MS, TEST_END_MS, LAUNCH_MS = to_ms(TEST_START), to_ms(TEST_END), to_ms(LAUNCH)
PRICING_MS = to_ms(PRICING_LAUNCH)

# Share of activity by UTC hour: a global audience (Americas evenings, Europe days, Asia mornings).
HOUR_WEIGHTS = np.array([3, 2.5, 2, 2, 2.5, 3, 4, 5, 6, 7, 7.5, 7.5, 7, 7, 7.5, 8, 8.5, 9, 9, 8.5, 7.5, 6, 5, 4],
                        dtype=float)
HOUR_WEIGHTS /= HOUR_WEIGHTS.sum()

PLATFORMS = [  # platform, share, [(device_type, os_name, weight), ...]
    ("iOS", 0.42, [("Apple iPhone 15", "ios", 4), ("Apple iPhone 14", "ios", 3), ("Apple iPhone 13", "ios", 2),
                   ("Apple iPhone 15 Pro", "ios", 2), ("Apple iPad", "ios", 1)]),
    ("Android", 0.23, [("Samsung Galaxy S23", "android", 3), ("Google Pixel 8", "android", 2),
                       ("Samsung Galaxy A54", "android", 3), ("Xiaomi Redmi Note 12", "android", 2),
                       ("OnePlus 11", "android", 1)]),
    ("Web", 0.35, [("Mac", "Chrome", 4), ("Mac", "Safari", 2), ("Windows", "Chrome", 4), ("Windows", "Edge", 1),
                   ("Linux", "Firefox", 1)]),
]
COUNTRIES = [  # ISO code, share, cities
    ("US", 0.24, ["Austin", "New York", "San Francisco", "Miami", "Denver", "Seattle"]),
    ("GB", 0.11, ["London", "Manchester", "Bristol", "Edinburgh"]),
    ("DE", 0.09, ["Berlin", "Munich", "Hamburg"]),
    ("ES", 0.07, ["Barcelona", "Madrid", "Valencia", "Las Palmas"]),
    ("PT", 0.06, ["Lisbon", "Porto", "Funchal"]),
    ("MX", 0.07, ["Mexico City", "Playa del Carmen", "Oaxaca"]),
    ("TH", 0.06, ["Bangkok", "Chiang Mai", "Phuket"]),
    ("ID", 0.06, ["Denpasar", "Jakarta", "Ubud"]),
    ("CO", 0.04, ["Medellín", "Bogotá"]),
    ("BR", 0.04, ["São Paulo", "Florianópolis", "Rio de Janeiro"]),
    ("CA", 0.05, ["Toronto", "Vancouver", "Montreal"]),
    ("NL", 0.04, ["Amsterdam", "Rotterdam"]),
    ("FR", 0.04, ["Paris", "Lyon"]),
    ("IT", 0.03, ["Rome", "Milan"]),
]

# Engagement segments: weekly churn hazard, chance to show up in a week while not churned,
# extra sessions per active week, per-session chance to start a booking.
SEGMENTS = {
    "tourist": dict(share=0.50, hazard=0.62, active=0.50, sessions=0.02, book=0.040),
    "casual": dict(share=0.32, hazard=0.16, active=0.58, sessions=0.10, book=0.058),
    "core": dict(share=0.18, hazard=0.035, active=0.85, sessions=0.20, book=0.070),
}

# Sign-ups per day: SIGNUP_BASE * exp(SIGNUP_GROWTH * day) times a decaying launch-campaign spike.
SIGNUP_BASE, SIGNUP_GROWTH, LAUNCH_SPIKE, LAUNCH_DECAY_DAYS = 128.0, 0.0013, 2.4, 8.0
# The WiFi filter's effect on a user's weeks after launch (or after exposure, for treatment users).
IMPROVED_HAZARD, IMPROVED_ACTIVE = 0.96, 0.01


# ---- small writers --------------------------------------------------------------------------
def _csv_text(header: list[str], rows: list[list], lineterminator: str = "\n") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=lineterminator, quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _write_text(path: Path, text: str, bom: bool = False) -> None:
    data = text.encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def _write_gzip(path: Path, text: str) -> None:
    # mtime=0 and no embedded file name keep the bytes identical on every run.
    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(raw.getvalue())


def _fmt_amplitude(ms: int) -> str:
    # Amplitude writes microseconds but only keeps millisecond precision: 2026-06-01 10:22:33.123000
    return from_ms(ms).strftime("%Y-%m-%d %H:%M:%S.%f")


def _pick(rng: np.random.Generator, items: list, weights) -> object:
    w = np.asarray(weights, dtype=float)
    return items[int(rng.choice(len(items), p=w / w.sum()))]


HOUR_CDF = np.cumsum(HOUR_WEIGHTS)


def _time_in_day(rng: np.random.Generator, day_ms: int) -> int:
    hour = min(int(np.searchsorted(HOUR_CDF, rng.random(), side="right")), 23)
    return day_ms + hour * 3_600_000 + int(rng.integers(0, 3_600_000))


# ---- product events (Amplitude) -------------------------------------------------------------
class User:
    __slots__ = ("idx", "user_id", "amplitude_id", "signup_ms", "segment", "arm", "platform", "device_type",
                 "os_name", "country", "city", "exposure_ms", "converted", "events", "used_wifi", "decide", "pending")


def _signups_per_day(d: int, day: datetime) -> float:
    """Expected sign-ups on day d: steady growth, a launch-week spike and a bump after monthly pricing."""
    base = SIGNUP_BASE * math.exp(SIGNUP_GROWTH * d)
    spike = 1.0 + LAUNCH_SPIKE * math.exp(-d / LAUNCH_DECAY_DAYS)            # the nomad launch campaign in late May
    weekday = (1.06, 1.04, 1.02, 1.0, 0.96, 0.92, 1.0)[day.weekday()]
    pricing = 1.10 if day >= PRICING_LAUNCH else 1.0
    return base * spike * weekday * pricing


def _make_users(rng: np.random.Generator) -> list[User]:
    users: list[User] = []
    n_days = (END - START).days
    for d in range(n_days):
        day = START + timedelta(days=d)
        n = int(rng.poisson(_signups_per_day(d, day)))
        day_ms = to_ms(day)
        times = sorted(_time_in_day(rng, day_ms) for _ in range(n))
        for t in times:
            u = User()
            u.signup_ms = t
            users.append(u)
    n = len(users)
    ids = rng.choice(900_000, size=n, replace=False) + 100_000
    amp = 417_000_000_000 + np.cumsum(rng.integers(1_000, 40_000_000, size=n))
    seg_names = list(SEGMENTS)
    seg_p = np.array([SEGMENTS[s]["share"] for s in seg_names])
    plat_p = np.array([p[1] for p in PLATFORMS])
    ctry_p = np.array([c[1] for c in COUNTRIES])
    ctry_p /= ctry_p.sum()
    for i, u in enumerate(users):
        u.idx = i
        u.user_id = f"u{int(ids[i])}"
        u.amplitude_id = int(amp[i])
        u.segment = seg_names[int(rng.choice(3, p=seg_p))]
        u.arm = "treatment" if rng.random() < 0.5 else "control"
        plat = PLATFORMS[int(rng.choice(len(PLATFORMS), p=plat_p))]
        u.platform = plat[0]
        dev = _pick(rng, plat[2], [x[2] for x in plat[2]])
        u.device_type, u.os_name = dev[0], dev[1]
        c = COUNTRIES[int(rng.choice(len(COUNTRIES), p=ctry_p))]
        u.country = c[0]
        # IP geolocation fails now and then: Amplitude leaves city empty.
        u.city = "" if rng.random() < 0.03 else c[2][int(rng.integers(0, len(c[2])))]
        u.exposure_ms = None
        u.converted = None
        u.pending = False
        u.events = []
        u.used_wifi = False
    return users


def _wifi_probability(ms: int) -> float:
    """Per-session chance that a user touches the verified-WiFi filter once it is available to them."""
    if ms < LAUNCH_MS:
        return 0.30  # treatment during the test: the filter is new and prominent
    months_since = (ms - LAUNCH_MS) / (30 * DAY_MS)
    return min(0.11 + 0.015 * months_since, 0.18)


def _session(rng: np.random.Generator, u: User, start: int, first: bool, next_start: int | None) -> None:
    """Append one session's events to u.events; decides the A/B exposure and conversion on the way.

    A user the experiment counts as converted books in the exposure session or a later one inside
    the conversion window; one counted as not converted completes no booking inside it.
    """
    seg = SEGMENTS[u.segment]
    ev = u.events
    t = start
    sid = start
    if first:
        ev.append((t, "sign_up", sid))
        t += int(rng.integers(20_000, 180_000))
        if rng.random() < 0.22:       # signed up and left
            return
    n_search = 1 + int(rng.poisson(0.1))
    used_wifi = False
    for s in range(n_search):
        ev.append((t, "search", sid))
        if u.exposure_ms is None and TEST_START_MS <= t < TEST_END_MS:
            u.exposure_ms = t
            u.converted = u.decide(u.arm) if u.decide else None
            u.pending = bool(u.converted)
        t += int(rng.integers(5_000, 90_000))
        wifi_open = t >= LAUNCH_MS or (u.arm == "treatment" and u.exposure_ms is not None and t >= u.exposure_ms)
        if wifi_open and not used_wifi and rng.random() < _wifi_probability(t):
            ev.append((t, "wifi_filter_used", sid))
            used_wifi = True
            u.used_wifi = True
            t += int(rng.integers(3_000, 40_000))
        for _ in range(int(rng.poisson(0.5 if s == 0 else 0.3))):
            ev.append((t, "listing_view", sid))
            t += int(rng.integers(15_000, 240_000))
    p_book = (seg["book"] * (1.45 if used_wifi else 1.0) * (1.06 if t >= LAUNCH_MS else 1.0)
              * (1.10 if t >= PRICING_MS else 1.0))
    in_ab_window = u.exposure_ms is not None and t < u.exposure_ms + CONVERSION_WINDOW_MS
    start_booking = rng.random() < p_book
    complete = rng.random() < 0.64
    if u.pending:
        window_end = u.exposure_ms + CONVERSION_WINDOW_MS
        last_chance = next_start is None or next_start + 3 * 3_600_000 >= window_end
        if last_chance or rng.random() < 0.45 or (start_booking and complete):
            start_booking, complete = True, True
            u.pending = False
    elif in_ab_window and u.converted is False:
        complete = False  # the experiment recorded no conversion within the window for this user
    if start_booking:
        ev.append((t, "booking_started", sid))
        t += int(rng.integers(60_000, 420_000))
        if complete:
            ev.append((t, "booking_completed", sid))


class _Converter:
    """Decides A/B conversions so each arm lands on its rate (error diffusion with random jitter)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.acc = {arm: float(rng.random()) for arm in AB_RATES}

    def __call__(self, arm: str) -> bool:
        rate = AB_RATES[arm]
        self.acc[arm] += rate * float(self.rng.uniform(0.5, 1.5))
        if self.acc[arm] >= 1.0:
            self.acc[arm] -= 1.0
            return True
        return False


FORCE_AB = True  # the tests of the generator itself may switch this off to measure natural rates


def _simulate(rng: np.random.Generator, users: list[User]) -> None:
    converter = _Converter(rng)
    root = int(rng.integers(0, 2**31))
    for u in users:
        # One generator per user: a change in one user's story never reshuffles everyone else's.
        urng = np.random.default_rng([root, u.idx])
        u.decide = converter if FORCE_AB else None
        seg = SEGMENTS[u.segment]
        cw0 = (u.signup_ms - START_MS) // (7 * DAY_MS)
        week_start = START_MS + cw0 * 7 * DAY_MS
        starts = [u.signup_ms]
        week_end = week_start + 7 * DAY_MS
        # More sessions in the sign-up week, after sign-up.
        for _ in range(int(urng.poisson(seg["sessions"] * 0.8))):
            lo = u.signup_ms + 3_600_000
            if lo < week_end - 3_600_000:
                starts.append(int(urng.integers(lo, week_end - 3_600_000)))
        # Treatment users keep coming back a little more, but only after their exposure week, so
        # being exposed at all does not depend on the arm (no sample-ratio mismatch by construction).
        exposed_week = week_start if TEST_START_MS <= week_start < TEST_END_MS else None
        for k in range(1, N_WEEKS - cw0):
            ws = week_start + k * 7 * DAY_MS
            improved = ws >= LAUNCH_MS or (u.arm == "treatment" and exposed_week is not None and ws > exposed_week)
            hazard = seg["hazard"] * (IMPROVED_HAZARD if improved else 1.0)
            if urng.random() < hazard:
                break
            active = min(seg["active"] + (IMPROVED_ACTIVE if improved else 0.0), 0.95)
            if urng.random() >= active:
                continue
            if exposed_week is None and TEST_START_MS <= ws < TEST_END_MS:
                exposed_week = ws
            for _ in range(1 + int(urng.poisson(seg["sessions"]))):
                day = int(urng.integers(0, 7))
                st = _time_in_day(urng, ws + day * DAY_MS)
                starts.append(min(st, END_MS - 3_600_000))
        starts.sort()
        for i, st in enumerate(starts):
            _session(urng, u, st, first=(i == 0), next_start=starts[i + 1] if i + 1 < len(starts) else None)


def build_events(rng: np.random.Generator) -> tuple[list[User], str]:
    """Simulate the users and return them with the Amplitude CSV text (sorted by event_time)."""
    users = _make_users(rng)
    _simulate(rng, users)
    rows = []
    for u in users:
        # A session that starts late on the last day is cut at the end of the export window.
        u.events = [e for e in u.events if e[0] < END_MS]
        for (t, name, sid) in u.events:
            rows.append((t, u.amplitude_id, name, sid, u))
    order = {"sign_up": 0, "search": 1, "wifi_filter_used": 2, "listing_view": 3, "booking_started": 4,
             "booking_completed": 5}
    rows.sort(key=lambda r: (r[0], r[1], order[r[2]]))
    header = ["amplitude_id", "user_id", "event_time", "event_type", "platform", "country", "city",
              "device_type", "os_name", "session_id"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for (t, amp, name, sid, u) in rows:
        w.writerow([amp, u.user_id, _fmt_amplitude(t), name, u.platform, u.country, u.city, u.device_type,
                    u.os_name, sid])
    return users, out.getvalue()


# ---- A/B test exposures (Kaggle/Udacity ab_data layout) --------------------------------------
def build_ab(rng: np.random.Generator, users: list[User]) -> str:
    """Per-user exposure rows `user_id,timestamp,group,landing_page,converted`, a few users in both groups."""
    page = {"control": "old_page", "treatment": "new_page"}
    exposed = [u for u in users if u.exposure_ms is not None]
    rows = []
    for u in exposed:
        ts = from_ms(u.exposure_ms).strftime("%Y-%m-%d %H:%M:%S.%f")
        rows.append([u.user_id, ts, u.arm, page[u.arm], int(u.converted)])
    # As in the public dataset, a handful of users were logged again later in the other group
    # (a cleared cookie); the analysis counts each user once, in their first variant.
    idx = rng.choice(len(exposed), size=9, replace=False)
    for i in sorted(int(x) for x in idx):
        u = exposed[i]
        other = "control" if u.arm == "treatment" else "treatment"
        later = min(u.exposure_ms + int(rng.integers(3_600_000, 6 * DAY_MS)), TEST_END_MS - 60_000)
        later_ts = from_ms(later).strftime("%Y-%m-%d %H:%M:%S.%f")
        rows.append([u.user_id, later_ts, other, page[other], 0])
    perm = rng.permutation(len(rows))
    rows = [rows[int(i)] for i in perm]
    return _csv_text(["user_id", "timestamp", "group", "landing_page", "converted"], rows)


# ---- Jira Cloud "CSV (all fields)" -----------------------------------------------------------
EPICS = [
    # key number, summary, label, status, created, resolved
    (1, "Verified WiFi filter", "wifi-filter", "Done", datetime(2026, 4, 27, 9, 12), datetime(2026, 8, 4, 16, 40)),
    (2, "Dedicated workspace listings", "workspace", "In Progress", datetime(2026, 4, 27, 9, 20), None),
    (3, "Monthly stay pricing", "monthly-pricing", "Done", datetime(2026, 4, 27, 9, 31), datetime(2026, 9, 15, 11, 5)),
    (4, "Nomad community guides", "guides", "To Do", datetime(2026, 4, 27, 9, 45), None),
    (5, "Visa and tax info hub", "visa-hub", "To Do", datetime(2026, 4, 27, 9, 52), None),
]
# Per epic: window in which its children are created, last resolution date, and work items.
EPIC_WORK = {
    1: dict(created=(datetime(2026, 5, 4), datetime(2026, 7, 24)), done_by=datetime(2026, 8, 2), share_done=1.0,
            stories=["Show WiFi speed badge on listing cards", "Host speed-test upload flow",
                     "Filter search results by verified WiFi", "Store WiFi measurements per listing",
                     "Re-verify WiFi every 90 days", "WiFi filter chip on mobile search",
                     "Explain 'verified' in a tooltip", "Rank verified listings higher for long stays",
                     "Host dashboard: WiFi verification status", "Email hosts about WiFi verification",
                     "Track wifi_filter_used event", "A/B test flag for the WiFi filter",
                     "Speed test result page for guests", "Minimum speed slider (Mbps)",
                     "Show upload speed next to download speed", "Backfill WiFi data for top 500 listings",
                     "Localise WiFi filter copy (ES, PT, DE)", "Accessibility pass on the filter chip",
                     "Guest report: WiFi slower than verified", "WiFi filter in saved searches"],
            tasks=["Pick a speed-test provider", "Set up experiment in the flag service",
                   "Write launch announcement for hosts", "Load test search with the new filter",
                   "Analyse A/B results and decide launch"],
            bugs=["Speed test hangs on Android 14", "WiFi badge shows on listings without a test",
                  "Filter resets when changing dates", "Mbps shown as Kbps for some hosts",
                  "@mention in host note breaks the WiFi tooltip", "Search count wrong with WiFi filter on"]),
    3: dict(created=(datetime(2026, 6, 1), datetime(2026, 9, 4)), done_by=datetime(2026, 9, 13), share_done=1.0,
            stories=["Monthly price field for hosts", "Show monthly price on listing page",
                     "Discount rules for stays over 28 days", "Checkout: pay monthly instalments",
                     "Cancellation policy for monthly stays", "Monthly price in search results",
                     "Currency rounding for monthly totals", "Host payout schedule for monthly stays",
                     "Price comparison: nightly vs monthly", "Monthly stays filter",
                     "Receipts for monthly instalments", "Tax lines on monthly invoices"],
            tasks=["Legal review of monthly terms", "Update pricing FAQ", "Finance sign-off on payout timing",
                   "Migrate long-stay discounts to the new rules"],
            bugs=["Monthly total off by one day in February", "Instalment email sent twice",
                  "Price shows NaN when host leaves discount empty", "Refund for monthly stay uses nightly rate"]),
    2: dict(created=(datetime(2026, 8, 10), datetime(2026, 11, 18)), done_by=datetime(2026, 11, 24), share_done=0.45,
            stories=["Workspace listing type", "Desk and chair photos required for workspace listings",
                     "Workspace amenities checklist", "Search filter: dedicated workspace",
                     "Host onboarding for workspace listings", "Workspace badge on listing cards",
                     "Noise level self-report for hosts", "Guest review question about the workspace",
                     "Monitor and ergonomic chair amenities", "Workspace listings landing page",
                     "Coworking pass partner integration", "Workspace photos in the gallery first",
                     "Verified workspace audit flow", "Workspace in the mobile search filters",
                     "Workspace details in booking confirmation", "Sort by workspace rating"],
            tasks=["Interview 12 nomads about workspaces", "Define workspace listing standards",
                   "Design review: workspace badge", "Partner shortlist for coworking passes"],
            bugs=["Workspace checklist not saved on iOS", "Filter count ignores workspace listings",
                  "Amenity icons misaligned on Android"]),
    4: dict(created=(datetime(2026, 10, 5), datetime(2026, 11, 20)), done_by=None, share_done=0.0,
            stories=["City guide pages for top 20 nomad cities", "Guides written by long-stay hosts",
                     "Link guides from listing pages", "Community Q&A on guides"],
            tasks=["Pick 20 launch cities", "Guide content style sheet", "Budget for guide writers",
                   "Legal check on user-generated guides"], bugs=[]),
    5: dict(created=(datetime(2026, 10, 19), datetime(2026, 11, 21)), done_by=None, share_done=0.0,
            stories=["Visa rules per country for stays over 90 days", "Tax residency warning at checkout",
                     "Visa hub landing page"],
            tasks=["Find a visa data provider"], bugs=[]),
}
UNPARENTED_BUGS = ["Login with Apple fails on iPad", "Map pins overlap in dense cities",
                   "Password reset link expires too fast", "Currency switcher forgets choice",
                   "Crash when opening saved searches offline", "Photos load slowly on 3G",
                   "Duplicate push notifications after booking", "Date picker shows wrong week start in US",
                   "Search suggests closed listings", "Profile photo upload rotates image",
                   "Calendar sync drops blocked dates", "Support chat widget covers Book button"]
PEOPLE = [("Priya Nair", "712020:5b1f0c3e-8d1a-4c53-9a60-1f2e3d4c5b6a"),
          ("Tomás Oliveira", "712020:9c2d7e41-0b6f-4e2a-8c1d-2a3b4c5d6e7f"),
          ("Mei Tanaka", "712020:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
          ("Jonas Weber", "712020:7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918"),
          ("Aisha Bello", "712020:2468ace0-1357-4bdf-9ace-0b1c2d3e4f50"),
          ("Lucas Martin", "712020:0f1e2d3c-4b5a-4697-8877-665544332211")]
PM = ("Sam Rivera", "712020:3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f")
SPRINT0 = datetime(2026, 5, 4)  # two-week sprints "NOM Sprint 1", ...


def _jira_date(dt: datetime | None) -> str:
    if dt is None:
        return ""
    return f"{dt.strftime('%d/%b/%y')} {dt.hour % 12 or 12}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"


def _sprint_no(dt: datetime) -> int:
    return max(1, (dt - SPRINT0).days // 14 + 1)


def _work_time(rng: np.random.Generator, day: datetime) -> datetime:
    """A working-hours time on that day (moved off weekends)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, int(rng.integers(8, 18)), int(rng.integers(0, 60)))


def build_jira(rng: np.random.Generator) -> str:
    """Jira Cloud 'CSV (all fields)' export of project NOM: CRLF, repeated columns, Jira dates."""
    today = datetime(2026, 11, 25, 9, 0)
    items = []  # dicts; keys assigned by creation order after the epics
    lead_days = {"Story": (8.5, 0.6), "Task": (4.0, 0.7), "Bug": (2.5, 0.8), "Sub-task": (1.8, 0.6)}

    def add(summary, itype, label, epic, created, done_by, force_done, force_open=False):
        mu, sigma = lead_days[itype]
        lead = float(np.clip(rng.lognormal(math.log(mu), sigma), 0.15, 45.0))
        resolved = created + timedelta(days=lead)
        if done_by is not None and resolved > done_by and force_done:
            resolved = done_by - timedelta(hours=float(rng.uniform(2, 60)))
            if resolved <= created:
                resolved = created + timedelta(hours=float(rng.uniform(2, 8)))
        is_done = not force_open and (force_done or resolved < today - timedelta(days=1))
        items.append(dict(summary=summary, type=itype, label=label, epic=epic, created=created,
                          resolved=_work_time(rng, resolved) if is_done else None, done=is_done))

    for ek, _summary, label, _status, _c, _r in EPICS:
        spec = EPIC_WORK[ek]
        c0, c1 = spec["created"]
        span = (c1 - c0).days
        kinds = ([(s, "Story") for s in spec["stories"]] + [(s, "Task") for s in spec["tasks"]]
                 + [(s, "Bug") for s in spec["bugs"]])
        for j, (summary, itype) in enumerate(kinds):
            created = _work_time(rng, c0 + timedelta(days=float(rng.uniform(0, span))))
            if ek in (4, 5):
                add(summary, itype, label, ek, created, None, False, force_open=True)
            elif spec["share_done"] >= 1.0:
                add(summary, itype, label, ek, created, spec["done_by"], True)
            else:
                # Dedicated workspace listings: the recent half of the work is still open.
                add(summary, itype, label, ek, created, None, False,
                    force_open=created > datetime(2026, 9, 21) and rng.random() < 0.75)
    # Bugs from production, not under an epic.
    for summary in UNPARENTED_BUGS:
        created = _work_time(rng, datetime(2026, 5, 11) + timedelta(days=float(rng.uniform(0, 195))))
        add(summary, "Bug", "production", None, created, None, False)
    items.sort(key=lambda it: it["created"])
    for n, it in enumerate(items, start=6):
        it["key_no"] = n
    # Sub-tasks hang under stories (Jira's Parent is the story, not the epic); they carry the epic's label.
    stories = [it for it in items if it["type"] == "Story" and it["epic"] in (1, 2, 3)]
    pick = rng.choice(len(stories), size=16, replace=False)
    subtask_names = ["Backend", "iOS", "Android", "Web", "QA"]
    next_no = len(items) + 6
    subtasks = []
    for i in sorted(int(x) for x in pick):
        st = stories[i]
        for name in subtask_names[: int(rng.integers(2, 4))]:
            created = st["created"] + timedelta(hours=float(rng.uniform(1, 30)))
            mu, sigma = lead_days["Sub-task"]
            lead = float(np.clip(rng.lognormal(math.log(mu), sigma), 0.1, 20))
            resolved = None
            if st["resolved"] is not None:
                resolved = min(created + timedelta(days=lead), st["resolved"] - timedelta(hours=1))
                if resolved <= created:
                    resolved = created + timedelta(hours=2)
            subtasks.append(dict(summary=f"{name}: {st['summary']}", type="Sub-task", label=st["label"],
                                 epic=st["epic"], parent=st, created=created, resolved=resolved,
                                 done=resolved is not None, key_no=next_no))
            next_no += 1
    items += subtasks

    # Status, due dates, sprints, points, people.
    for it in items:
        if it["done"]:
            it["status"], it["cat"] = "Done", "Done"
        elif it["epic"] in (4, 5) or rng.random() < 0.45:
            it["status"], it["cat"] = "To Do", "To Do"
        else:
            it["status"] = "In Review" if rng.random() < 0.3 else "In Progress"
            it["cat"] = "In Progress"
        it["priority"] = _pick(rng, ["Highest", "High", "Medium", "Low"],
                               [1, 3, 6, 2] if it["type"] != "Bug" else [2, 4, 4, 1])
        it["assignee"] = PEOPLE[int(rng.integers(0, len(PEOPLE)))] if it["status"] != "To Do" or rng.random() < 0.5 \
            else None
        it["reporter"] = PM if it["type"] in ("Story", "Task") or rng.random() < 0.3 else \
            PEOPLE[int(rng.integers(0, len(PEOPLE)))]
        it["points"] = ""
        if it["type"] == "Story":
            it["points"] = str(int(_pick(rng, [1, 2, 3, 5, 8, 13], [1, 3, 4, 4, 2, 1])))
        elif it["type"] in ("Task", "Bug") and rng.random() < 0.4:
            it["points"] = str(int(_pick(rng, [1, 2, 3], [2, 2, 1])))
        it["due"] = None
        if it["type"] != "Sub-task" and rng.random() < 0.72:
            # Due dates are set at planning; a minority slip past them.
            if it["resolved"] is not None:
                slack = float(rng.normal(1.5, 4.0))
                due = (it["resolved"] + timedelta(days=slack)).date()
                if due < it["created"].date():
                    due = it["created"].date() + timedelta(days=1)
            else:
                due = (it["created"] + timedelta(days=float(rng.uniform(10, 45)))).date()
            it["due"] = datetime(due.year, due.month, due.day)
        first_sprint = _sprint_no(it["created"] + timedelta(days=2))
        if it["status"] == "To Do" and (it["epic"] in (4, 5) or rng.random() < 0.6):
            it["sprints"] = []
        else:
            last = _sprint_no(it["resolved"]) if it["resolved"] else _sprint_no(today)
            it["sprints"] = [f"NOM Sprint {n}" for n in range(first_sprint, max(first_sprint, last) + 1)][-3:]
        last_touch = it["resolved"] or (it["created"] + timedelta(days=float(rng.uniform(0, 20))))
        it["updated"] = min(last_touch + timedelta(minutes=float(rng.uniform(1, 600))), today)
        it["attachments"] = []
        for _ in range(int(rng.choice([0, 0, 0, 1, 2]))):
            when = it["created"] + timedelta(minutes=float(rng.uniform(5, 600)))
            fname = _pick(rng, ["screenshot.png", "spec.pdf", "flow.fig", "logcat.txt", "mockup.png"],
                          [4, 1, 1, 1, 2])
            att_id = 10000 + int(rng.integers(0, 9000))
            it["attachments"].append(
                f"{_jira_date(when)};{uuid.UUID(int=int(rng.integers(0, 2**62)) << 64 | int(rng.integers(0, 2**62)))};"
                f"{fname};https://nomadly.atlassian.net/rest/api/3/attachment/content/{att_id}")

    epic_by_no = {e[0]: e for e in EPICS}
    header = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name",
              "Project type", "Project lead", "Project lead id", "Project description", "Priority", "Resolution",
              "Assignee", "Assignee Id", "Reporter", "Reporter Id", "Creator", "Creator Id", "Created", "Updated",
              "Last Viewed", "Resolved", "Fix versions", "Due date", "Votes", "Labels", "Labels", "Labels",
              "Description", "Environment", "Watchers", "Watchers", "Watchers Id", "Watchers Id",
              "Original estimate", "Remaining Estimate", "Time Spent", "Attachment", "Attachment",
              "Custom field (Epic Name)", "Custom field (Epic Status)", "Custom field (Rank)", "Sprint", "Sprint",
              "Sprint", "Custom field (Start date)", "Custom field (Story Points)",
              "Custom field (Story point estimate)", "Parent", "Parent key", "Parent summary", "Status Category",
              "Status Category Changed"]
    rows = []

    def issue_id(no: int) -> int:
        return 10000 + no

    def row_for(no, summary, itype, status, cat, priority, assignee, reporter, created, updated, resolved, due,
                labels, description, sprints, points, parent, attachments, epic_status=""):
        labels = (labels + ["", "", ""])[:3]
        sprints = (sprints + ["", "", ""])[:3]
        attachments = (attachments + ["", ""])[:2]
        watchers = [reporter[0], assignee[0] if assignee and assignee != reporter else ""]
        watcher_ids = [reporter[1], assignee[1] if assignee and assignee != reporter else ""]
        rank = f"0|i00{no:03d}:"
        p_id, p_key, p_sum = ("", "", "")
        if parent is not None:
            p_id, p_key, p_sum = str(issue_id(parent[0])), f"NOM-{parent[0]}", parent[1]
        return [summary, f"NOM-{no}", issue_id(no), itype, status, "NOM", "Nomad stays", "software", PM[0], PM[1], "",
                priority, "Done" if resolved else "", assignee[0] if assignee else "",
                assignee[1] if assignee else "", reporter[0], reporter[1], reporter[0], reporter[1],
                _jira_date(created), _jira_date(updated), _jira_date(updated if status != "To Do" else None),
                _jira_date(resolved), "", _jira_date(due), 0, *labels, description, "", *watchers, *watcher_ids,
                "", "", "", *attachments, summary if itype == "Epic" else "", epic_status, rank, *sprints, "",
                points, "", p_id, p_key, p_sum, cat, _jira_date(resolved or updated)]

    descriptions = {
        "Story": "h3. Why\nNomads told us \"{s}\" matters when they pick a place for a month.\n\n"
                 "h3. Acceptance criteria\n* Works on iOS, Android and web\n* Tracked in Amplitude\n"
                 "* Copy reviewed, including ES/PT",
        "Task": "{s}.\n\nNotes: see the team page; owner to update the ticket when done.",
        "Bug": "*Steps to reproduce*\n# Open the app\n# {s}\n\n*Expected:* it works, obviously.\n"
               "*Actual:* it doesn't — see screenshot.\n\nReported by support, 3 tickets so far.",
        "Sub-task": "{s}",
    }
    for it in items:
        epic = epic_by_no.get(it["epic"]) if it["epic"] else None
        if it["type"] == "Sub-task":
            parent = (it["parent"]["key_no"], it["parent"]["summary"])
        else:
            parent = (epic[0], epic[1]) if epic else None
        labels = [it["label"]]
        if it["type"] == "Bug" and it["label"] != "production" and rng.random() < 0.5:
            labels.append("customer-reported")
        if it["epic"] == 1 and it["type"] == "Story" and rng.random() < 0.3:
            labels.append("experiment")
        rows.append((it["key_no"], row_for(it["key_no"], it["summary"], it["type"], it["status"], it["cat"],
                                           it["priority"], it["assignee"], it["reporter"], it["created"],
                                           it["updated"], it["resolved"], it["due"], labels,
                                           descriptions[it["type"]].format(s=it["summary"]), it["sprints"],
                                           it["points"], parent, it["attachments"])))
    for no, summary, label, status, created, resolved in EPICS:
        cat = {"Done": "Done", "In Progress": "In Progress", "To Do": "To Do"}[status]
        desc = (f"Epic for {summary.lower()}.\n\nGoal: make Nomadly the home of long stays. "
                f"Success metric agreed with the PM, see the Q3/Q4 OKRs.")
        updated = resolved or datetime(2026, 11, 20, 15, 2)
        rows.append((no, row_for(no, summary, "Epic", status, cat, "High", PM, PM, created, updated, resolved, None,
                                 [label], desc, [], "", None, [], epic_status=status)))
    rows.sort(key=lambda r: -r[0])  # Jira exports newest key first
    return _csv_text(header, [r[1] for r in rows], lineterminator="\r\n")


# ---- NPS survey (Delighted-style) ------------------------------------------------------------
NPS_COMMENTS = {
    "promoter": ["Found a flat in Lisbon with fast WiFi in 10 minutes. Love it!",
                 "The WiFi filter is exactly what I needed, no more guessing.",
                 "Monthly price made it so easy to compare places.",
                 "Great hosts, honest listings, super smooth booking.",
                 "+1 for the verified WiFi filter!",
                 "Best app for long stays, period.",
                 "Booked Chiang Mai for 2 months, everything as described.",
                 "I recommend Nomadly to every remote worker I meet, \"no brainer\"."],
    "passive": ["Good, but fees are a bit high for long stays.",
                "Nice app. Wish there were more listings in Medellín.",
                "Search is ok, filters could be smarter.",
                "Works well, though the map is slow on my phone.",
                "- good selection\n- pricey cleaning fees\n- support slow on weekends",
                "Decent. I'd like to see the desk/chair before booking."],
    "detractor": ["Host cancelled two days before check-in. Not ok.",
                  "The WiFi was 5 Mbps, not \"50\" as listed, and support took 3 days to answer.",
                  "Too expensive compared to local sites, honestly.",
                  "App crashed twice during checkout,\nI had to book on the website.",
                  "Refund took weeks. Never again, unless it gets better.",
                  "<img src=x onerror=alert(1)> lol does your site escape this?",
                  "Prices in EUR but charged in USD; confusing, and my bank added fees."],
}
FIRST = ["maya", "leo", "sofia", "noah", "amara", "lucas", "ines", "kai", "zoe", "mateo", "ana", "finn", "yuki",
         "omar", "lena", "raj", "elif", "tom", "chloe", "diego", "nina", "sam", "ivy", "max"]
LAST = ["k", "s", "m", "b", "r", "t", "o", "d", "l", "w", "n", "g"]


def _email(rng: np.random.Generator, n: int) -> str:
    style = n % 3
    f = FIRST[int(rng.integers(0, len(FIRST)))]
    last = LAST[int(rng.integers(0, len(LAST)))]
    if style == 0:
        return f"{f}.{last}{int(rng.integers(1, 99))}@example.com"
    if style == 1:
        return f"{f}{last}{int(rng.integers(100, 999))}@example.com"
    return f"{f}_{last}@example.com".replace("@", f"{int(rng.integers(1, 9))}@")


def build_nps(rng: np.random.Generator, users: list[User]) -> str:
    """Delighted-style NPS export; respondents are users active before the survey went out."""
    rows = []
    n_days = (END - START).days
    rid = 48_210_000
    seen_emails: dict[str, int] = {}
    for d in range(3, n_days):
        day = START + timedelta(days=d)
        n = int(rng.poisson(3.4 * (1 + d / 400)))
        times = sorted(_time_in_day(rng, to_ms(day)) for _ in range(n))
        for when in times:
            frac = d / n_days
            # Promoters grow and detractors shrink after the WiFi filter and monthly pricing.
            p_prom = 0.44 + 0.12 * frac
            p_det = 0.26 - 0.09 * frac
            r = rng.random()
            if r < p_prom:
                band, score = "promoter", int(rng.choice([9, 10], p=[0.45, 0.55]))
            elif r < p_prom + p_det:
                band, score = "detractor", int(rng.choice(7, p=[0.04, 0.03, 0.06, 0.1, 0.14, 0.25, 0.38]))
            else:
                band, score = "passive", int(rng.choice([7, 8], p=[0.45, 0.55]))
            comment = ""
            if rng.random() < 0.45:
                options = NPS_COMMENTS[band]
                comment = options[int(rng.integers(0, len(options)))]
            ts = from_ms(when).strftime("%Y-%m-%dT%H:%M:%SZ")
            email = _email(rng, rid)
            while email in seen_emails:
                email = email.replace("@", "x@")
            seen_emails[email] = 1
            platform = _pick(rng, ["iOS", "Android", "Web"], [0.42, 0.23, 0.35])
            rows.append([rid, email, score, comment, ts, platform])
            rid += int(rng.integers(1, 40))
    # The export's HTML-looking and multi-line comments must survive intact; make sure they appear.
    must = ["<img src=x onerror=alert(1)> lol does your site escape this?",
            "App crashed twice during checkout,\nI had to book on the website.",
            "- good selection\n- pricey cleaning fees\n- support slow on weekends"]
    for i, text in enumerate(must):
        row = rows[40 + i * 150]
        row[3] = text
        row[2] = 3 if i < 2 else 7
    return _csv_text(["Response ID", "Email", "Score", "Comment", "Created At", "Platform"], rows)


# ---- CSAT feature survey (Typeform/Hotjar-style) ---------------------------------------------
CSAT_QUESTION = "How would you rate your satisfaction with the verified WiFi filter? (1-5)"
CSAT_FOLLOW_UP = "Any feedback on what could be better?"
CSAT_COMMENTS = {
    5: ["Nothing, it's perfect.", "Keep it! Saved me hours.", "Show the speed on the map too?"],
    4: ["Let me set a minimum upload speed, not just download.", "More listings verified in Bali please",
        "Great, but the badge is small on mobile."],
    3: ["Not enough verified listings in my city.", "Some results said verified but the test was old (6 months)",
        "Ok, would like \"video call ready\" as a filter"],
    2: ["Speeds didn't match reality, 20 vs 100 Mbps advertised.", "Filter resets whenever I change dates"],
    1: ["Useless, only 3 listings left after filtering.", "Didn't work on Android at all"],
}


def build_csat(rng: np.random.Generator, users: list[User]) -> str:
    """1-5 CSAT export about the WiFi filter; respondents are users who used it after launch."""
    pool = [u for u in users if u.used_wifi and any(t >= LAUNCH_MS and name == "wifi_filter_used"
                                                      for (t, name, _s) in u.events)]
    idx = rng.choice(len(pool), size=min(400, len(pool)), replace=False)
    rows = []
    for i in sorted(int(x) for x in idx):
        u = pool[i]
        first_use = min(t for (t, name, _s) in u.events if name == "wifi_filter_used" and t >= LAUNCH_MS)
        when = min(first_use + int(rng.integers(600_000, 5 * DAY_MS)), END_MS - 60_000)
        score = int(rng.choice([1, 2, 3, 4, 5], p=[0.06, 0.08, 0.14, 0.34, 0.38]))
        comment = ""
        if rng.random() < 0.35:
            options = CSAT_COMMENTS[score]
            comment = options[int(rng.integers(0, len(options)))]
        rows.append([when, u.user_id, score, comment])
    # Three respondents skipped the rating and only wrote a comment, as real exports show.
    for j in (17, 171, 333):
        rows[j][2] = ""
        rows[j][3] = rows[j][3] or "Didn't notice the filter, to be honest."
    rows.sort(key=lambda r: (r[0], r[1]))
    out = [[from_ms(r[0]).strftime("%Y-%m-%d %H:%M:%S"), r[1], r[2], r[3]] for r in rows]
    return _csv_text(["Submitted At", "Respondent ID", CSAT_QUESTION, CSAT_FOLLOW_UP], out)


# ---- monthly metric series --------------------------------------------------------------------
def build_metrics(rng: np.random.Generator) -> str:
    """Long-format monthly series 2025-12 .. 2026-11: revenue, market size, spend, pulse, uptime..."""
    rows = []
    months = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]
    revenue = 412_000.0
    market = 18_600_000.0
    pulse_path = [3.4, 3.5, 3.3, 3.6, 3.7, 3.8, 3.9, 3.7, 4.1, 4.2, 3.9, 4.0]
    for i, m in enumerate(months):
        if i:
            growth = 0.05 + 0.03 * rng.random()
            if m >= date(2026, 8, 1):
                growth += 0.01            # the WiFi filter and monthly pricing lift bookings
            revenue *= 1 + growth
            market *= 1 + 0.006 + 0.004 * rng.random()
        spend = 96_000 + 4_500 * i + float(rng.normal(0, 3_000))
        leads = int(5_200 + 310 * i + rng.normal(0, 180))
        cac = spend / (leads * 0.46)
        uptime = round(0.9988 + 0.0009 * rng.random(), 4)
        if m == date(2026, 9, 1):
            uptime = 0.9962            # the payment-provider incident in September
        p95 = int(520 - 9 * i + rng.normal(0, 14))
        pulse = round(pulse_path[i] + float(rng.normal(0, 0.05)), 2)
        ds = m.isoformat()
        rows += [[ds, "revenue", f"{revenue:.0f}", ""], [ds, "market_size", f"{market:.0f}", ""],
                 [ds, "marketing_spend", f"{spend:.0f}", ""], [ds, "stakeholder_pulse", f"{pulse:.2f}", ""],
                 [ds, "uptime", f"{uptime:.4f}", ""], [ds, "p95_latency_ms", str(p95), ""],
                 [ds, "cac", f"{cac:.2f}", ""], [ds, "leads", str(leads), ""]]
    return _csv_text(["date", "metric", "value", "segment"], rows)


# ---- Levels.fyi-style salary rows ------------------------------------------------------------
# company, level, (median total, spread), stock share, bonus share, location(s), currency, count
SALARY_SPECS = [
    ("Meta", "L3", 192_000, 0.22, 0.10, ["Menlo Park, CA", "New York, NY", "Seattle, WA"], "USD", 7),
    ("Meta", "L4", 280_000, 0.33, 0.10, ["Menlo Park, CA", "New York, NY", "Seattle, WA"], "USD", 12),
    ("Meta", "L5", 385_000, 0.40, 0.11, ["Menlo Park, CA", "New York, NY", "Seattle, WA"], "USD", 11),
    ("Meta", "L6", 520_000, 0.48, 0.12, ["Menlo Park, CA", "New York, NY"], "USD", 8),
    ("Meta", "L7", 760_000, 0.56, 0.13, ["Menlo Park, CA"], "USD", 4),
    ("Google", "L4", 255_000, 0.28, 0.12, ["Mountain View, CA", "New York, NY", "Sunnyvale, CA"], "USD", 9),
    ("Google", "L5", 335_000, 0.34, 0.13, ["Mountain View, CA", "New York, NY", "Sunnyvale, CA"], "USD", 10),
    ("Google", "L6", 455_000, 0.42, 0.14, ["Mountain View, CA", "San Francisco, CA"], "USD", 7),
    ("Google", "L7", 610_000, 0.50, 0.15, ["Mountain View, CA"], "USD", 3),
    ("Amazon", "L5", 205_000, 0.25, 0.05, ["Seattle, WA", "Austin, TX", "New York, NY"], "USD", 10),
    ("Amazon", "L6", 290_000, 0.38, 0.04, ["Seattle, WA", "Austin, TX"], "USD", 9),
    ("Amazon", "L7", 420_000, 0.48, 0.03, ["Seattle, WA"], "USD", 5),
    ("Airbnb", "L4", 240_000, 0.35, 0.03, ["San Francisco, CA"], "USD", 5),
    ("Airbnb", "L5", 330_000, 0.42, 0.03, ["San Francisco, CA", "Seattle, WA"], "USD", 6),
    ("Airbnb", "L6", 470_000, 0.50, 0.03, ["San Francisco, CA"], "USD", 3),
    ("Booking.com", "Product Manager II", 92_000, 0.05, 0.10, ["London, EN, United Kingdom"], "GBP", 6),
    ("Booking.com", "Senior Product Manager", 118_000, 0.06, 0.12, ["London, EN, United Kingdom"], "GBP", 5),
    ("Wise", "P3", 78_000, 0.15, 0.00, ["London, EN, United Kingdom"], "GBP", 6),
    ("Wise", "P4", 108_000, 0.20, 0.00, ["London, EN, United Kingdom"], "GBP", 5),
    ("Revolut", "Product Owner", 82_000, 0.20, 0.05, ["London, EN, United Kingdom"], "GBP", 4),
    ("Nomadly", "APM", 98_000, 0.05, 0.05, ["Austin, TX", "Remote, US"], "USD", 6),
    ("Nomadly", "PM", 138_000, 0.08, 0.07, ["Austin, TX", "Remote, US"], "USD", 8),
    ("Nomadly", "Senior PM", 188_000, 0.12, 0.08, ["Austin, TX", "Remote, US"], "USD", 7),
    ("Nomadly", "Group PM", 258_000, 0.18, 0.10, ["Austin, TX"], "USD", 5),
    ("Nomadly", "VP Product", 345_000, 0.30, 0.12, ["Austin, TX"], "USD", 2),
    ("Hostaway", "PM", 132_000, 0.06, 0.06, ["Remote, US", "Denver, CO"], "USD", 5),
    ("Hostaway", "Senior PM", 176_000, 0.10, 0.08, ["Remote, US"], "USD", 4),
    ("Flatio", "APM", 86_000, 0.03, 0.05, ["Remote, US"], "USD", 3),
    ("Stripe", "L2", 235_000, 0.35, 0.05, ["San Francisco, CA", "Seattle, WA"], "USD", 5),
    ("Uber", "Director", 420_000, 0.45, 0.15, ["San Francisco, CA"], "USD", 3),
]
YEARS_BY_LEVEL = {"L3": 1.5, "L4": 3.5, "L5": 6, "L6": 9, "L7": 12, "APM": 1, "PM": 4, "Senior PM": 7,
                  "Group PM": 11, "VP Product": 15, "Director": 13, "L2": 4, "P3": 3, "P4": 6,
                  "Product Manager II": 4, "Senior Product Manager": 7, "Product Owner": 4, "Staff PM": 10}
TAGS = ["Consumer", "Growth", "Marketplace", "Platform", "Payments", "Search", "Mobile", "Product"]


def build_salaries(rng: np.random.Generator) -> str:
    """Levels.fyi-style rows for Product Manager titles, with a currency column added (see README)."""
    rows = []
    for company, level, median, stock_share, bonus_share, locations, currency, count in SALARY_SPECS:
        for _ in range(count):
            total = median * float(rng.lognormal(0, 0.11))
            stock = total * stock_share * float(rng.uniform(0.8, 1.2))
            bonus = total * bonus_share * float(rng.uniform(0.6, 1.3))
            base = total - stock - bonus
            total = round(total / 1000) * 1000
            stock, bonus = round(stock / 1000) * 1000, round(bonus / 1000) * 1000
            base = total - stock - bonus
            yoe = max(0.0, round(YEARS_BY_LEVEL[level] + float(rng.normal(0, 1.6)), 0))
            yac = min(yoe, float(rng.choice([0, 1, 1, 2, 2, 3, 4, 5])))
            day = datetime(2024, 1, 8) + timedelta(days=float(rng.uniform(0, 1040)),
                                                   seconds=float(rng.uniform(0, 86_400)))
            ts = f"{day.month}/{day.day}/{day.year} {day.hour}:{day.minute:02d}:{day.second:02d}"
            gender = _pick(rng, ["Male", "Female", "", "Other"], [0.52, 0.38, 0.08, 0.02])
            other = ""
            if rng.random() < 0.15:
                other = _pick(rng, ["Title: Senior Product Manager, Growth", "Remote, 4-day week",
                                    "Relocation package, sign-on 20k", "Masters, MBA"], [1, 1, 1, 1])
            rows.append([ts, company, level, "Product Manager", int(total), locations[int(rng.integers(0, len(locations)))],
                         int(yoe), int(yac), _pick(rng, TAGS, [1] * len(TAGS)), int(base),
                         int(stock) if stock else "", int(bonus) if bonus else "", gender, other, currency])
    # Oddities a real export has: a level nobody mapped, and the same submission twice.
    rows.append(["3/14/2026 16:02:11", "Nomadly", "Staff PM", "Product Manager", 221000, "Remote, US", 10, 2,
                 "Marketplace", 181000, 22000, 18000, "Female", "", "USD"])
    rows.append(list(rows[37]))
    rows.sort(key=lambda r: datetime.strptime(r[0], "%m/%d/%Y %H:%M:%S"))
    header = ["timestamp", "company", "level", "title", "totalyearlycompensation", "location", "yearsofexperience",
              "yearsatcompany", "tag", "basesalary", "stockgrantvalue", "bonus", "gender", "otherdetails",
              "currency"]
    return _csv_text(header, rows)


# ---- manifest and entry point ----------------------------------------------------------------
MANIFEST = {"imports": [
    {"file": "amplitude_events.csv.gz", "kind": "events",
     "note": "Amplitude event export, 2026-05-25..2026-11-22 UTC: sign-ups, searches, listing views, bookings, "
             "wifi_filter_used."},
    {"file": "jira_nom_export.csv", "kind": "work_items",
     "note": "Jira Cloud 'CSV (all fields)' export of project NOM (Nomad stays), epics NOM-1..NOM-5."},
    {"file": "nps_survey.csv", "kind": "survey", "note": "Delighted-style NPS export (0-10) with comments."},
    {"file": "csat_feature_survey.csv", "kind": "survey",
     "note": "Typeform/Hotjar-style 1-5 CSAT survey about the verified WiFi filter."},
    {"file": "ab_test_verified_wifi_filter.csv", "kind": "experiment",
     "note": "A/B test verified_wifi_filter, 2026-07-06..2026-08-02, per-user exposures (user_id,timestamp,group,"
             "landing_page,converted)."},
    {"file": "metric_series.csv", "kind": "metrics",
     "note": "Monthly revenue, market size, marketing spend, stakeholder pulse, uptime, p95 latency, CAC, leads "
             "(2025-12..2026-11)."},
    {"file": "levels_salaries.csv", "kind": "salaries",
     "note": "Levels.fyi-style Product Manager pay rows (USD and GBP; currency column)."},
    # Discovery (issue 19): hand-written interview notes (not generated), imported like any export
    *({"file": f"discovery/interview_{n}.md", "kind": "interviews",
       "note": "Interview notes (Markdown with front matter: participant, segment, date, interviewer), June 2026 "
               "round with long-stay guests."} for n in ("01_ana", "02_jonas", "03_priya", "04_tom", "05_lena", "06_sam")),
]}


def generate(out_dir: Path | str = HERE, seed: int = SEED) -> dict[str, Path]:
    """Write every generated sample file (and manifest.json) into out_dir; returns {file name: path}."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # One generator per file so that changing one file's logic leaves the others' bytes alone.
    seeds = np.random.SeedSequence(seed).spawn(7)
    rngs = [np.random.default_rng(s) for s in seeds]
    users, events_csv = build_events(rngs[0])
    written = {}

    def put(name: str, text: str, gz: bool = False) -> None:
        path = out / name
        if gz:
            _write_gzip(path, text)
        else:
            _write_text(path, text)
        written[name] = path

    put("amplitude_events.csv.gz", events_csv, gz=True)
    put("ab_test_verified_wifi_filter.csv", build_ab(rngs[1], users))
    put("jira_nom_export.csv", build_jira(rngs[2]))
    put("nps_survey.csv", build_nps(rngs[3], users))
    put("csat_feature_survey.csv", build_csat(rngs[4], users))
    put("metric_series.csv", build_metrics(rngs[5]))
    put("levels_salaries.csv", build_salaries(rngs[6]))
    put("manifest.json", json.dumps(MANIFEST, indent=2, ensure_ascii=False) + "\n")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for name, path in generate(target).items():
        print(f"{path.stat().st_size:>10,}  {name}")
