"""Report-style exports for the import tests: a GA4 reports snapshot in the layout GA4 writes (made-up figures)."""
from __future__ import annotations

import io

import pandas as pd

GA4_SNAPSHOT = """# ----------------------------------------
# Reports snapshot
# Account: Example
# Property: example.com - GA4
# ----------------------------------------
#
# All Users
# Start date: 20260301
# End date: 20260307
# ----------------------------------------

Nth day,Active users
0000,120
0001,135
0002,128
0003,141
0004,150
0005,97
0006,88

Nth day,New users
0000,40
0001,52
0002,47
0003,39
0004,61
0005,30
0006,28

Session primary channel group (Default Channel Group),Sessions
Direct,410
Organic Search,388
Referral,52
"""


def ga4_tables(text: str) -> list[pd.DataFrame]:
    """Return the tables of a GA4 snapshot read independently with pandas (blank-line blocks, '#' lines dropped)."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return [pd.read_csv(io.StringIO(block), dtype=str) for block in body.strip().split("\n\n")]
