"""OKRs: objectives and key results whose linked values update themselves from imported data.

Key result types and their progress (0..1, always clamped):
- increase_to / decrease_to: (current - baseline) / (target - baseline). The same formula covers a
  falling target (baseline above target); a zero-width range (target == baseline) is refused when
  the KR is saved, and the direction must match the type.
- stay_above / stay_below: 1 while the current value holds the line (>= / <= target), 0 once breached.
- milestone: 1 when done (value 1), else 0.

A KR's current value is its latest check-in (by the day it describes, then by when it was made).
A KR may be linked to data, shown as a `link` string:
- `kpi:<key>` — a KPI from `pm_core.kpi_defs`, computed by `pm_core.metrics.compute_kpi` for the
  OKR's period (e.g. retention for 2026-Q3), optionally for a segment `property=value[,property=value]`;
- `events:<event>:<N>d` — the count of `<event>` events in the N days ending on the last day with
  data inside the period (e.g. `events:booking_completed:28d` = bookings over 28 days). If the data
  does not cover the whole window the value is refused ("not enough data"), never a partial count.
Creating a linked KR records a first check-in (source 'link'); every import re-computes linked KRs
and adds a check-in (source 'import', naming the import) when the value changed.

Expected progress is linear from period start to end on `today` (Viva Goals' pace). Status:
- Off track: progress < 60% of expected, or confidence <= 3.
- On track: progress >= 90% of expected and confidence >= 5 (or no confidence given yet).
- At risk: anything in between.
stay_above/below use holding/breached instead of pace; a milestone not yet done is judged on
confidence alone until the period ends, then it is off track. A KR with no value yet is 'no_data'.
Grades (0.0-1.0) are the progress at the end of the period; 0.6-0.7 is the sweet spot for ambitious
OKRs (Google's guidance: consistently scoring 1.0 means the goals were not ambitious enough).

Layers, each importing only those before it: models (inputs, shapes, errors) · progress (pure maths) ·
periods · links (values from data) · views (what pages show, in words) · service (writes) · demo.
Callers import `from pm_core import okrs`; the names below are the public surface.
"""
from __future__ import annotations

from .models import (  # noqa: F401
    KrType, KR_TYPES, KR_TYPE_LABELS, UNITS, STATUSES, STATUS_LABELS, ON_TRACK_PACE, OFF_TRACK_PACE,
    ON_TRACK_CONFIDENCE, OFF_TRACK_CONFIDENCE, SWEET_SPOT, COMMENT_MAX, VALUE_LIMIT, UNIT_RANGES,
    value_range, OkrInputError, parse_segment, parse_link, link_text, link_label, ObjectiveIn, KeyResultIn, CheckinIn,
    Checkin, KeyResultView, ObjectiveView,
)
from .progress import (  # noqa: F401
    kr_progress, kr_status, weighted_mean, grade_note, thresholds_text,
)
from .periods import (  # noqa: F401
    resolve_period, create_period, okr_periods, default_period,
)
from .links import (  # noqa: F401
    default_event, linked_value, previous_period_value,
)
from .views import (  # noqa: F401
    list_okrs, okr_status_counts, okr_page_data, targets_by_kpi, format_kr_value, okr_summary,
    get_checkins, get_objective, get_key_result, kpi_targets, checkin_summary,
)
from .service import (  # noqa: F401
    create_objective, update_objective, archive_objective, _kr_row, create_key_result, update_key_result,
    archive_key_result, add_checkin, edit_checkin, delete_checkin, auto_checkins_after_import,
    backfill_linked,
)
from .demo import (  # noqa: F401
    seed_demo,
)
