"""Stakeholder views: one briefing per audience, in its words (public names re-exported)."""
from .service import *  # noqa: F401,F403
