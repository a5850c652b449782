"""Discovery (issue 19): interview evidence and the opportunity solution tree. Pages and the CLI call
these names; SQL is in pm_core.store.discovery_store.

Layers, each importing only those above it: models (tags, node kinds, links, the node form, the JTBD
guide) · evidence (counts per opportunity: pure maths) · themes (TF-IDF suggestions) · tree (nesting,
gaps, DOT, the export picture) · service (reads, writes with role check and audit) · briefing (the
executive briefing's section) · demo (seeding from sample_data/discovery/).
"""
from __future__ import annotations

from .briefing import briefing_section
from .demo import seed_demo
from .evidence import evidence_for, interview_key, strongest
from .models import (CHILD_KINDS, JTBD_QUESTIONS, LINK_KINDS, LINK_LABELS, NODE_KINDS, TAGS, DiscoveryError, NodeIn,
                     TreeNode, jtbd_guide_markdown, parse_node)
from .service import (add_node, attach_evidence, delete_node, evidence_of, has_evidence, interviews, link_choices,
                      list_highlights, node_index, opportunity_evidence, opportunity_from_theme, report, tag_highlights,
                      themes, tree, update_node)
from .themes import suggest_themes
from .tree import detail_line, dot_string, flatten, gap_list, to_dot, vega_spec

__all__ = [
    "CHILD_KINDS", "JTBD_QUESTIONS", "LINK_KINDS", "LINK_LABELS", "NODE_KINDS", "TAGS", "DiscoveryError", "NodeIn",
    "TreeNode", "add_node", "attach_evidence", "briefing_section", "delete_node", "detail_line", "dot_string", "evidence_for",
    "evidence_of", "flatten", "gap_list", "has_evidence", "interview_key", "interviews", "jtbd_guide_markdown",
    "link_choices", "list_highlights", "node_index", "opportunity_evidence", "opportunity_from_theme", "parse_node",
    "report", "seed_demo", "strongest", "suggest_themes", "tag_highlights", "themes", "to_dot", "tree", "update_node",
    "vega_spec",
]
