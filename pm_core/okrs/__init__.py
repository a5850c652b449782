"""OKRs: objectives, key results and check-ins, with progress and status from the data (public names re-exported)."""
from .service import *  # noqa: F401,F403
from .service import _kr_row  # noqa: F401  (tests build rows with it)
