"""Checked against the yes/no words written out here: one list read by settings, career rows and imported yes/no columns."""
from __future__ import annotations

import pytest

from pm_core.validators import FALSE_WORDS, TRUE_WORDS, yes_no


@pytest.mark.parametrize("word", ["1", "true", "Yes", " y ", "T", "on", "TRUE"])
def test_true_words(word):
    assert yes_no(word) is True


@pytest.mark.parametrize("word", ["0", "false", "No", "n", "F", "off"])
def test_false_words(word):
    assert yes_no(word) is False


@pytest.mark.parametrize("word", ["", "maybe", "2", "converted", "+"])
def test_other_text_is_neither(word):
    assert yes_no(word) is None


def test_every_reader_uses_the_one_list():
    from pm_core import settings
    from pm_core.store.ingest_exprs import parse_expr

    assert settings._TRUE == set(TRUE_WORDS) and settings._FALSE == set(FALSE_WORDS)
    sql = parse_expr("bool", "x")
    assert all(f"'{w}'" in sql for w in TRUE_WORDS + FALSE_WORDS)
