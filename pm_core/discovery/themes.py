"""Theme suggestions from highlight text: TF-IDF (scikit-learn) and k-means, no downloaded model.

Suggestions only: nothing here writes. The page shows each theme with its key terms and highlights,
and an editor turns one into an opportunity (or ignores it) with an explicit click.
"""
from __future__ import annotations

from .evidence import interview_key

MIN_HIGHLIGHTS = 4     # fewer highlights than this make no themes worth reading
MAX_THEMES = 8
TERMS = 3              # key terms naming a theme


def suggest_themes(highlights: list[dict], max_themes: int = MAX_THEMES) -> list[dict]:
    """Return up to max_themes themes [{label, terms, highlight_ids, interviews}], biggest first; [] with too little text.

    Text is vectorised with TF-IDF (English stop words, words and two-word phrases, terms in at least
    two highlights), grouped by k-means (k = about one theme per five highlights, seeded so the same
    text gives the same themes), and each theme is named by its centroid's top terms. A theme heard in
    one highlight only is dropped: it is a remark, not a theme.
    """
    docs = [(int(h["id"]), str(h["text"])) for h in highlights if str(h.get("text") or "").strip()]
    if len(docs) < MIN_HIGHLIGHTS:
        return []
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=2, max_df=0.6, sublinear_tf=True)
    try:
        x = vec.fit_transform([t for _, t in docs])
    except ValueError:  # every word is a stop word or appears once: nothing shared to group on
        return []
    terms = vec.get_feature_names_out()
    keep = [i for i in range(x.shape[0]) if x[i].nnz]
    if len(keep) < MIN_HIGHLIGHTS or len(terms) < 2:
        return []
    x = x[keep]
    ids = [docs[i][0] for i in keep]
    k = max(2, min(max_themes, round(len(ids) / 5)))
    km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
    by_id = {int(h["id"]): h for h in highlights}
    themes = []
    for c in range(k):
        members = [ids[i] for i, lab in enumerate(km.labels_) if lab == c]
        if len(members) < 2:
            continue
        centre = km.cluster_centers_[c]
        top = [terms[j] for j in centre.argsort()[::-1] if centre[j] > 0]
        named: list[str] = []
        for t in top:  # 'wifi speed' and 'wifi' name the same thing once
            if not any(t in n or n in t for n in named):
                named.append(t)
            if len(named) == TERMS:
                break
        themes.append({"label": " / ".join(named), "terms": named, "highlight_ids": members,
                       "interviews": len({interview_key(by_id[m]) for m in members})})
    return sorted(themes, key=lambda t: (-len(t["highlight_ids"]), t["label"]))[:max_themes]
