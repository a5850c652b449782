"""Exports real tools write, imported with no kind, mapping or type (issue 14, items 5-12): localized Jira, report
preambles and GA4 snapshots, multi-header surveys, encodings, salary files without a currency, A/B logs.

Every figure is computed again here with plain pandas/csv from the file itself, never with Pillars' code.
"""
from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

import pm_core.ingest.after
from pm_core.formats.sniff import sniff
from pm_core.ingest import ImportRefused, for_page, import_file, preview_file
from pm_core.metrics.service import compute_kpi
from tests.conftest import ROOT
from tests.factories.reports import GA4_SNAPSHOT, ga4_tables

DATA = ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def _no_okr_hook(monkeypatch):
    monkeypatch.setattr(pm_core.ingest.after, "after_import", lambda store, actor, import_id: [])


def q(store, sql, params=None):
    return store.query_df(sql, params or [])


def write(tmp_path, name, text, encoding="utf-8", newline="\n"):
    p = tmp_path / name
    p.write_bytes(text.replace("\n", newline).encode(encoding))
    return p


# independent reading of Jira's localized dates for the expected figures (a table, not Pillars' SQL)
_MONTHS = {"jan": 1, "janv.": 1, "ene": 1, "gen": 1, "jän": 1, "feb": 2, "févr.": 2, "fev": 2, "mär": 3, "mar": 3,
           "mars": 3, "mrt": 3, "apr": 4, "avr.": 4, "abr": 4, "mai": 5, "may": 5, "mag": 5, "mei": 5, "jun": 6,
           "juin": 6, "giu": 6, "jul": 7, "juil.": 7, "lug": 7, "aug": 8, "août": 8, "ago": 8, "sep": 9, "sept.": 9,
           "set": 9, "oct": 10, "okt": 10, "ott": 10, "out": 10, "nov": 11, "dec": 12, "déc.": 12, "dez": 12, "dic": 12}


def _jira_day(text: str) -> pd.Timestamp:
    day, mon, rest = text.split("/", 2)
    parts = rest.split(" ", 1)
    ts = pd.Timestamp(year=2000 + int(parts[0]), month=_MONTHS[mon.lower()], day=int(day))
    if len(parts) > 1:
        t = pd.to_datetime(parts[1], format="%I:%M %p" if parts[1][-1] in "MP" else "%H:%M")
        ts = ts.replace(hour=t.hour, minute=t.minute)
    return ts


# -- 5. Jira in other languages, 'Work type', generic work items -----------------------------------------
JIRA_LOCALES = {
    # the German header row of a Jira Cloud export (Vorgangsschlüssel, Vorgangstyp, Erstellt, Erledigt ...)
    "de": ("Zusammenfassung,Vorgangsschlüssel,Vorgangs-ID,Vorgangstyp,Status,Priorität,Erstellt,Aktualisiert,Erledigt,"
           "Stichwörter",
           ["Login bricht ab,APP-1,10001,Fehler,Fertig,High,3/Mär/26 9:15 AM,4/Mär/26 9:15 AM,4/Mär/26 5:30 PM,",
            "Export als CSV,APP-2,10002,Story,In Arbeit,Medium,12/Feb/26 2:00 PM,3/Mär/26 9:00 AM,,ui",
            "Absturz beim Speichern,APP-3,10003,Bug,Fertig,High,1/Okt/25 8:00 AM,2/Dez/25 8:00 AM,2/Dez/25 8:00 AM,"]),
    "fr": ("Résumé,Clé de ticket,ID de ticket,Type de ticket,État,Priorité,Créé,Mis à jour,Résolu",
           ["Connexion impossible,WEB-7,2007,Bogue,Terminé,High,19/févr./26 7:31 PM,20/févr./26 9:00 AM,20/févr./26 9:00 AM",
            "Nouveau tableau,WEB-8,2008,Récit,En cours,Medium,3/mars/26 10:00 AM,4/mars/26 10:00 AM,",
            "Corriger le menu,WEB-9,2009,Tâche,À faire,Low,1/déc./25 11:45 AM,1/déc./25 11:45 AM,"]),
    "pt": ("Resumo,Chave do item,ID do item,Tipo de item,Status,Prioridade,Criado,Atualizado(a),Resolvido",
           ["Erro no login,LOJ-1,3001,Bug,Concluído,High,12/fev/26 10:00 AM,13/fev/26 10:00 AM,13/fev/26 4:00 PM",
            "Carrinho novo,LOJ-2,3002,História,Em andamento,Medium,5/out/25 9:00 AM,6/out/25 9:00 AM,"]),
    "it": ("Riepilogo,Chiave ticket,ID ticket,Tipo di ticket,Stato,Priorità,Creato,Aggiornato,Risolto",
           ["Pagina lenta,SHOP-3,4003,Bug,Completato,High,5/mag/26 2:05 PM,6/mag/26 2:05 PM,6/mag/26 3:05 PM",
            "Nuovo filtro,SHOP-4,4004,Storia,In corso,Low,7/giu/26 9:00 AM,8/giu/26 9:00 AM,"]),
    "ja": ("要約,課題キー,課題 ID,課題タイプ,ステータス,優先度,作成日,更新日,解決日",
           ["ログインできない,JP-1,5001,バグ,完了,High,10/Jan/26 9:00 AM,11/Jan/26 9:00 AM,11/Jan/26 6:00 PM",
            "検索の改善,JP-2,5002,タスク,進行中,Medium,20/Jan/26 9:00 AM,21/Jan/26 9:00 AM,"]),
    "nl": ("Samenvatting,Sleutel,Issue-ID,Issuetype,Status,Prioriteit,Aangemaakt,Bijgewerkt,Opgelost",
           ["Knop werkt niet,NL-1,6001,Bug,Gereed,High,4/mrt/26 9:00 AM,5/mrt/26 9:00 AM,5/mrt/26 1:00 PM",
            "Nieuwe pagina,NL-2,6002,Taak,Te doen,Low,1/mei/26 9:00 AM,1/mei/26 9:00 AM,"]),
    "en_work_type": ("Summary,Issue key,Issue id,Work type,Status,Priority,Created,Updated,Resolved",
                     ["Crash on save,CS-1,7001,Bug,Done,High,15/Feb/26 8:38 AM,15/Feb/26 9:00 AM,15/Feb/26 9:00 AM",
                      "New report,CS-2,7002,Story,To Do,Low,16/Feb/26 8:38 AM,16/Feb/26 9:00 AM,",
                      "Typo,CS-3,7003,Bug,To Do,Low,17/Feb/26 8:38 AM,17/Feb/26 9:00 AM,"]),
}
BUG_WORDS = {"fehler", "bug", "bogue", "バグ"}


@pytest.mark.parametrize("locale", list(JIRA_LOCALES))
def test_localized_jira_exports_import_with_types_and_dates(store, editor, tmp_path, locale):
    header, rows = JIRA_LOCALES[locale]
    path = write(tmp_path, f"jira_{locale}.csv", header + "\n" + "\n".join(rows) + "\n")
    res = import_file(store, editor, path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    key_col, type_col, created_col, resolved_col = raw.columns[1], raw.columns[3], raw.columns[6], raw.columns[8]
    assert (res.kind, res.source, res.rows_imported, res.rows_rejected) == ("work_items", "jira", len(raw), 0)
    df = q(store, "SELECT key, type, type_category, created, resolved FROM work_items ORDER BY key")
    exp = raw.sort_values(key_col)
    assert list(df["key"]) == list(exp[key_col])
    assert list(df["created"]) == [_jira_day(v) for v in exp[created_col]]
    assert list(df["resolved"].isna()) == list(exp[resolved_col] == "")
    bugs_expected = int(exp[type_col].str.lower().isin(BUG_WORDS).sum())
    assert int((df["type_category"] == "bug").sum()) == bugs_expected > 0
    rate = compute_kpi(store, "bug_rate")
    assert rate.value == pytest.approx(bugs_expected / len(raw))


def test_jira_without_a_type_column_warns_and_gives_no_bug_rate(store, editor, tmp_path):
    path = write(tmp_path, "jira_notype.csv", "Summary,Issue key,Status,Created,Resolved\n"
                 "A,K-1,Done,15/Feb/26 8:38 AM,16/Feb/26 8:38 AM\nB,K-2,To Do,16/Feb/26 8:38 AM,\n")
    pv = preview_file(path, store=store)
    assert pv.kind == "work_items" and "type" not in pv.mapping
    assert any("no work type column: bug rate cannot be computed" in n for n in pv.notes)
    import_file(store, editor, path)
    assert q(store, "SELECT count(*) n FROM work_items WHERE type_category IS NULL")["n"][0] == 2
    rate = compute_kpi(store, "bug_rate")
    assert rate.value is None and "type column" in (rate.note or "")


def test_generic_work_items_detected_and_rescued_by_the_mapping(store, editor, tmp_path):
    # Azure DevOps-style export: no Jira/Linear/GitHub signature, understood as generic work items
    ado = write(tmp_path, "ado.csv", "ID,Work Item Type,Title,State,Created Date\n"
                "101,Bug,Crash,Closed,2026-02-01 10:00\n102,User Story,Search,Active,2026-02-02 10:00\n")
    res = import_file(store, editor, ado)
    assert (res.kind, res.source, res.rows_imported) == ("work_items", "generic", 2)
    assert q(store, "SELECT count(*) n FROM work_items WHERE type_category = 'bug'")["n"][0] == 1
    # a file no format recognises at all: the mapping alone makes it work items
    odd = write(tmp_path, "odd.csv", "Ref,Sort,Opened on,Heading\nT-1,bug,2026-03-01,a\nT-2,feature,2026-03-02,b\n"
                "T-3,bug,2026-03-03,c\n")
    with pytest.raises(ImportRefused):
        import_file(store, editor, odd)
    res = import_file(store, editor, odd, mapping={"key": "Ref", "type": "Sort", "created": "Opened on", "title": "Heading"})
    raw = pd.read_csv(odd)
    assert (res.kind, res.source, res.rows_imported) == ("work_items", "generic", len(raw))
    got = q(store, "SELECT count(*) n FROM work_items WHERE import_id = ? AND type_category = 'bug'", [res.import_id])
    assert got["n"][0] == (raw["Sort"] == "bug").sum() == 2


# -- 6. preambles, totals rows, GA4 reports snapshot ----------------------------------------------------
def test_ga4_reports_snapshot_offers_each_table_as_its_own_series(store, editor, tmp_path):
    path = write(tmp_path, "Reports_snapshot.csv", GA4_SNAPSHOT)
    tables = ga4_tables(GA4_SNAPSHOT)
    pv = preview_file(path, store=store)
    assert pv.sheets == ["Active users", "New users", "Sessions"] and pv.sheet == "Active users"
    assert pv.sheet_label == "Table" and pv.kind == "metrics"
    assert any("date range stated there: 2026-03-01 to 2026-03-07" in n for n in pv.notes)
    assert pv.rows_read == len(tables[0]) and pv.rows_rejected == 0
    for name, table in zip(pv.sheets, tables):
        res = import_file(store, editor, path, sheet=name)
        assert res.rows_imported == len(table) and res.rows_rejected == 0
    pts = q(store, "SELECT metric, date, value, segment FROM metric_points ORDER BY metric, date, segment")
    start = pd.Timestamp("2026-03-01")
    for metric, table in (("Active users", tables[0]), ("New users", tables[1])):
        mine = pts[pts["metric"] == metric]
        assert list(pd.to_datetime(mine["date"])) == [start + pd.Timedelta(days=int(n)) for n in table["Nth day"]]
        assert list(mine["value"]) == [float(v) for v in table[metric]]
    sessions = pts[pts["metric"] == "Sessions"].set_index("segment")["value"].to_dict()
    assert sessions == {k: float(v) for k, v in zip(tables[2].iloc[:, 0], tables[2]["Sessions"])}
    assert set(pd.to_datetime(pts[pts["metric"] == "Sessions"]["date"])) == {pd.Timestamp("2026-03-07")}
    with pytest.raises(ImportRefused, match="no table named 'Users'.*Active users, New users, Sessions"):
        preview_file(path, sheet="Users")


def test_hash_preamble_and_totals_row_are_left_out(store, editor, tmp_path):
    text = ("# Looker export\n# Date range: 2026-01-01 - 2026-01-03\n"
            "date,signups,revenue\n2026-01-01,10,100.5\n2026-01-02,12,90\n2026-01-03,9,120\nTotal,31,310.5\n")
    path = write(tmp_path, "looker.csv", text)
    pv = preview_file(path, store=store)
    assert any("'#' lines before the header skipped" in n for n in pv.notes)
    assert any("totals row: left out" in n for n in pv.notes)
    res = import_file(store, editor, path)
    raw = pd.read_csv(path, comment="#")
    raw = raw[raw["date"] != "Total"]
    assert (res.rows_read, res.rows_imported, res.rows_rejected) == (len(raw), len(raw), 0)
    got = q(store, "SELECT metric, sum(value) s FROM metric_points GROUP BY 1").set_index("metric")["s"]
    assert got["signups"] == raw["signups"].sum() == 31
    assert got["revenue"] == pytest.approx(raw["revenue"].sum())


def test_a_rejected_row_after_a_preamble_keeps_its_line_in_the_file(store, editor, tmp_path):
    path = write(tmp_path, "pre.csv", "# report\n# generated today\ndate,visits\n2026-01-01,5\n2026-01-02,lots\n")
    res = import_file(store, editor, path, kind="metrics")
    lines = path.read_text().splitlines()
    bad_line = next(i + 1 for i, line in enumerate(lines) if line.endswith(",lots"))
    rej = q(store, "SELECT row_number, value FROM import_rejects WHERE import_id = ?", [res.import_id])
    assert list(rej["row_number"]) == [bad_line] == [5] and list(rej["value"]) == ["lots"]


# -- 7. surveys with more than one header row, NA markers, comments in other languages ----------------------
def test_qualtrics_real_export_extra_header_rows_are_not_data(store, editor):
    path = DATA / "qualtrics_tutorial_export.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=[1, 2])
    texts = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8").split("\n", 2)[1])))
    info = sniff(path, path.name)
    try:
        assert info.header == texts  # the question text names the columns
        assert info.row_offset == 2 and any("Qualtrics export: 2 extra header rows" in n for n in info.notes)
        assert len(pd.read_csv(info.path, dtype=str)) == len(raw) == 25
    finally:
        info.cleanup()
    consent = texts[10]
    res = import_file(store, editor, path, kind="survey", mapping={"score": consent, "respondent": "Response ID"})
    assert (res.rows_read, res.rows_imported, res.rows_rejected) == (len(raw), len(raw), 0)
    df = q(store, "SELECT scale, score, respondent FROM survey_responses")
    assert set(df["scale"]) == {"task"}
    answered = raw["consent"][raw["consent"] != ""]
    assert df["score"].notna().sum() == len(answered)
    assert df["score"].sum() == (answered == "Yes").sum()
    assert set(df["respondent"]) == set(raw["ResponseId"])


SURVEYMONKEY = (
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,"
    "How likely is it that you would recommend us to a friend or colleague?,Pourquoi ? (commentaire)\n"
    ",,,,,,,,,Response,Open-Ended Response\n"
    "118052219061,446111201,06/10/2022 07:48:07 AM,06/10/2022 08:09:25 AM,,,,,,9,Très bien\n"
    "118052219062,446111201,06/10/2022 09:00:00 AM,06/10/2022 09:05:00 AM,,,,,,N/A,\n"
    "118052219063,446111201,06/11/2022 10:00:00 AM,06/11/2022 10:02:00 AM,,,,,,3,Trop lent\n"
    "118052219064,446111201,06/11/2022 11:00:00 AM,06/11/2022 11:04:00 AM,,,,,,10,-\n"
    "118052219065,446111201,06/12/2022 12:00:00 PM,06/12/2022 12:01:00 PM,,,,,,NA,n/a\n"
    "118052219066,446111201,06/12/2022 01:00:00 PM,06/12/2022 01:03:00 PM,,,,,,7,Correct\n"
)


def test_surveymonkey_two_header_rows_na_and_a_french_comment_column(store, editor, tmp_path):
    path = write(tmp_path, "Customer Satisfaction Survey.csv", SURVEYMONKEY)
    na = ["NA", "N/A", "-", "n/a"]
    raw = pd.read_csv(path, skiprows=[1], dtype=str, keep_default_na=False)
    scores = pd.to_numeric(raw.iloc[:, 9].replace(na + [""], None))
    comments = raw.iloc[:, 10].replace(na + [""], None)
    pv = preview_file(path, store=store)
    assert (pv.kind, pv.scale, pv.rows_read, pv.rows_rejected) == ("survey", "nps", len(raw), 0)
    assert pv.mapping["comment"] == "Pourquoi ? (commentaire)"
    assert any("SurveyMonkey export: 1 extra header row" in n for n in pv.notes)
    res = import_file(store, editor, path)
    assert (res.rows_read, res.rows_imported, res.rows_rejected) == (len(raw), len(raw), 0)
    df = q(store, "SELECT score, comment, respondent FROM survey_responses ORDER BY respondent")
    assert df["score"].notna().sum() == scores.notna().sum() == 4
    nps = 100 * ((scores >= 9).sum() - (scores <= 6).sum()) / scores.notna().sum()
    assert compute_kpi(store, "nps").value == pytest.approx(nps)
    assert sorted(df["comment"].dropna()) == sorted(comments.dropna()) == ["Correct", "Trop lent", "Très bien"]


def test_google_forms_questions_as_headers_with_a_german_reason(store, editor, tmp_path):
    path = write(tmp_path, "Feedback (Responses).csv",
                 "Timestamp,How satisfied are you with the new editor?,Begründung\n"
                 "2/1/2026 10:22:33,5,Sehr schnell\n2/1/2026 11:00:00,4,\n2/2/2026 9:15:00,2,Zu viele Klicks\n"
                 "2/3/2026 16:40:10,N/A,-\n")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    scores = pd.to_numeric(raw.iloc[:, 1].replace(["N/A", ""], None))
    res = import_file(store, editor, path)
    assert (res.kind, res.rows_imported, res.rows_rejected) == ("survey", len(raw), 0)
    df = q(store, "SELECT scale, score, comment, responded_at FROM survey_responses ORDER BY responded_at")
    assert set(df["scale"]) == {"csat"}
    assert compute_kpi(store, "csat").value == pytest.approx((scores >= 4).sum() / scores.notna().sum())
    assert sorted(df["comment"].dropna()) == ["Sehr schnell", "Zu viele Klicks"]
    assert list(df["responded_at"]) == list(pd.to_datetime(raw["Timestamp"], format="%m/%d/%Y %H:%M:%S"))


# -- 8. encodings ---------------------------------------------------------------------------------------
CITIES = "miasto,wartość\nŁódź,1\nKraków,2\nGdańsk,3\nWrocław,4\nZielona Góra,5\nŚwiętochłowice,6\nBielsko-Biała,7\n"


@pytest.mark.parametrize("encoding,text,expected", [
    ("cp1250", CITIES, "cp1250"),
    ("shift_jis", "都市,値\n東京,1\n大阪,2\n京都,3\n名古屋,4\n札幌,5\n福岡,6\n", {"shift_jis", "cp932"}),
])
def test_legacy_encodings_detected(tmp_path, encoding, text, expected):
    path = write(tmp_path, "cities.csv", text, encoding=encoding)
    info = sniff(path, path.name)
    try:
        assert info.encoding in (expected if isinstance(expected, set) else {expected})
        got = pd.read_csv(info.path, dtype=str)
        want = pd.read_csv(io.StringIO(text), dtype=str)
        assert got.equals(want) and list(got.columns) == list(want.columns)
    finally:
        info.cleanup()


def test_encoding_shown_in_the_preview_and_changeable(store, tmp_path):
    path = write(tmp_path, "cities.csv", "date,metric,value,segment\n" + "".join(
        f"2026-01-0{i},visits,{i},{city}\n" for i, city in enumerate(["Łódź", "Kraków", "Gdańsk", "Wrocław"], 1)),
        encoding="cp1250")
    pv = preview_file(path, store=store)
    assert pv.encoding == "cp1250" and any("Windows-1250" in n and "detected" in n for n in pv.notes)
    assert [r["segment"] for r in pv.sample] == ["Łódź", "Kraków", "Gdańsk", "Wrocław"]
    wrong = preview_file(path, store=store, encoding="cp1252")
    assert wrong.encoding == "cp1252" and any("chosen by you" in n for n in wrong.notes)
    assert [r["segment"] for r in wrong.sample][0] == "Łódź".encode("cp1250").decode("cp1252")
    with pytest.raises(ImportRefused, match="unknown encoding 'klingon'"):
        preview_file(path, store=store, encoding="klingon")


def test_bytes_that_do_not_decode_are_counted_and_warned(store, tmp_path):
    # 0x81 and 0x8d have no character in Windows-1252
    path = tmp_path / "odd.csv"
    path.write_bytes(b"date,metric,value,segment\n2026-01-01,visits,1,caf\xe9\n2026-01-02,visits,2,x\x81y\x8d\n")
    pv = preview_file(path, store=store, encoding="cp1252")
    assert any(n.startswith("warning: 2 bytes could not be read") for n in pv.notes)


# -- 9. salary files without a currency -------------------------------------------------------------------
def test_levels_fyi_data_without_currency_is_usd_and_says_so(store, editor):
    path = DATA / "levels_fyi_salaries_head.csv"
    raw = pd.read_csv(path)
    pv = preview_file(path, store=store)
    assert (pv.kind, pv.currency) == ("salaries", "USD")
    assert any("currency assumed USD" in n and "Levels.fyi" in n for n in pv.notes)
    res = import_file(store, editor, path)
    assert (res.rows_imported, res.rows_rejected) == (len(raw), 0)
    df = q(store, "SELECT currency, total FROM salaries")
    assert set(df["currency"]) == {"USD"}
    assert df["total"].median() == raw["totalyearlycompensation"].median()
    from pm_core.career.pay import salary_issues

    assert not [i for i in salary_issues(store) if i["kind"] == "missing_currency"]


def test_currency_set_at_import_for_a_file_without_one(store, editor, tmp_path):
    path = write(tmp_path, "team_pay.csv", "title,level,base\nPM,L5,85000\nPM,L6,102000\nDesigner,L5,78000\n")
    pv = preview_file(path, store=store)
    assert pv.currency is None and any("no currency column" in n for n in pv.notes)
    pv = preview_file(path, store=store, currency="eur")
    assert pv.currency == "EUR" and any("currency EUR (chosen by you)" in n for n in pv.notes)
    res = import_file(store, editor, path, currency="EUR")
    raw = pd.read_csv(path)
    df = q(store, "SELECT currency, base FROM salaries WHERE import_id = ?", [res.import_id])
    assert set(df["currency"]) == {"EUR"} and df["base"].sum() == raw["base"].sum()
    with pytest.raises(ImportRefused, match="'euros' is not a three-letter code"):
        preview_file(path, store=store, currency="euros")


def test_google_forms_salary_survey_is_recognised(store, editor, tmp_path):
    # the question headers of the Ask a Manager salary survey (a Google Form), three answers
    header = ["Timestamp", "How old are you?", "What industry do you work in?", "Job title",
              "If your job title needs additional context, please clarify here:",
              "What is your annual salary? (You'll indicate the currency in a later question. If you are part-time or "
              "hourly, please enter an annualized equivalent -- what you would earn if you worked the job 40 hours a "
              "week, 52 weeks a year.)",
              "How much additional monetary compensation do you get, if any (for example, bonuses or overtime in an "
              "average year)? Please only include monetary compensation here, not the value of benefits.",
              "Please indicate the currency", 'If "Other," please indicate the currency here: ',
              "If your income needs additional context, please provide it here:", "What country do you work in?",
              "How many years of professional work experience do you have overall?"]
    rows = [["4/27/2021 11:02:10", "25-34", "Computing or Tech", "Product Manager", "", "120,000", "10000", "USD", "", "",
             "United States", "5-7 years"],
            ["4/27/2021 11:02:22", "35-44", "Education", "Program Manager", "", "62,000", "", "GBP", "", "", "UK",
             "8 - 10 years"],
            ["4/27/2021 11:03:00", "25-34", "Computing or Tech", "Product Manager", "", "95,000", "5,000", "CAD", "", "",
             "Canada", "2 - 4 years"]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path = write(tmp_path, "Ask A Manager Salary Survey 2021 (Responses).csv", buf.getvalue())
    pv = preview_file(path, store=store)
    assert pv.kind == "salaries"
    assert (pv.mapping["base"], pv.mapping["currency"], pv.mapping["title"]) == (header[5], header[7], header[3])
    res = import_file(store, editor, path)
    raw = pd.read_csv(path, dtype=str)
    df = q(store, "SELECT title, currency, base FROM salaries WHERE import_id = ? ORDER BY base", [res.import_id])
    assert (res.rows_imported, res.rows_rejected) == (3, 0)
    assert list(df["currency"]) == list(raw.sort_values(header[5], key=lambda s: s.str.replace(",", "").astype(float))[
        header[7]])
    assert df["base"].sum() == raw[header[5]].str.replace(",", "").astype(float).sum()


# -- 10. A/B logs with other names, outcome picker ---------------------------------------------------------
def test_cookie_cats_real_log_imports_with_no_flags_and_names_the_other_outcome(store, editor):
    path = DATA / "ab_cookie_cats_head.csv"
    raw = pd.read_csv(path)
    pv = preview_file(path, store=store)
    assert (pv.kind, pv.source) == ("experiment", "exposures")
    assert pv.mapping == {"user_id": "userid", "variant": "version", "converted": "retention_1"}
    assert any("'retention_1' counts as converted" in n and "retention_7" in n for n in pv.notes)
    res = import_file(store, editor, path)
    assert (res.rows_imported, res.rows_rejected) == (len(raw), 0)
    got = q(store, "SELECT variant, count(*) n, sum(converted::INT) c FROM experiment_exposures GROUP BY 1 ORDER BY 1")
    exp = raw.groupby("version")["retention_1"].agg(["count", "sum"]).sort_index()
    assert list(got["n"]) == list(exp["count"]) and list(got["c"]) == list(exp["sum"])
    # the other outcome, picked in the mapping (the preview's column for converted)
    pv7 = preview_file(path, store=store, mapping={"converted": "retention_7"}, kind="experiment")
    assert any("'retention_7' counts as converted (you chose it)" in n for n in pv7.notes)


# -- 11. line endings, parser messages ---------------------------------------------------------------------
def test_mixed_crlf_and_lf_imports(store, editor, tmp_path):
    path = tmp_path / "trimmed.csv"
    path.write_bytes(b"user_id,event,timestamp\r\na,search,2026-06-01\r\nb,search,2026-06-02\nc,book,2026-06-03\n"
                     b"d,book,2026-06-04\r\n")
    res = import_file(store, editor, path)
    raw = pd.read_csv(path)
    assert (res.rows_read, res.rows_imported, res.rows_rejected) == (len(raw), len(raw), 0) == (4, 4, 0)
    assert sorted(q(store, "SELECT user_id FROM events")["user_id"]) == sorted(raw["user_id"])


def test_reader_messages_are_said_in_words():
    from pm_core.ingest.messages import read_error

    exc = RuntimeError("Invalid Input Error: The CSV Parser state machine reached an invalid state.\nLine: 7 ...")
    msg = read_error(exc, "export.csv", ",")
    assert msg.startswith("export.csv: row 7 cannot be split into comma-separated columns")
    assert "state machine" not in msg and "Parser" not in msg


# -- 12. page messages never suggest CLI flags -------------------------------------------------------------
def test_page_messages_have_no_cli_flags(tmp_path):
    path = write(tmp_path, "mystery.csv", "alpha,beta\n1,2\n")
    with pytest.raises(ImportRefused) as exc:
        preview_file(path)
    cli = str(exc.value)
    assert "--kind" in cli and "--map" in cli  # the CLI keeps its flags
    page = for_page(cli)
    assert "--" not in page and "What this file holds" in page
    dup = for_page("x.csv: this exact file was already imported as imp_1 (x.csv, 2026-01-01 UTC); choose skip or "
                   "replace (--on-duplicate skip|replace)")
    assert "--" not in dup and "skip it or to replace" in dup


def test_cli_import_takes_currency_and_encoding(tmp_path, capsys, monkeypatch):
    from pm_core.cli import main

    monkeypatch.setenv("PILLARS_DB", str(tmp_path / "w.duckdb"))
    pay = write(tmp_path, "pay.csv", "title,base\nPM,70000\nPM,80000\n")
    assert main(["import", str(pay), "--currency", "GBP"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["kind"], out["rows_imported"]) == ("salaries", 2)
    cities = write(tmp_path, "cities.csv", "date,metric,value,segment\n2026-01-01,visits,1,Łódź\n", encoding="cp1250")
    assert main(["import", str(cities), "--encoding", "cp1250"]) == 0
    capsys.readouterr()
    from pm_core.store import open_store

    s = open_store(tmp_path / "w.duckdb")
    try:
        assert set(q(s, "SELECT currency FROM salaries")["currency"]) == {"GBP"}
        assert list(q(s, "SELECT segment FROM metric_points")["segment"]) == ["Łódź"]
    finally:
        s.close()


def test_lf_head_and_crlf_tail_beyond_the_first_megabyte_imports(store, editor, tmp_path):
    path = tmp_path / "edited.csv"
    with path.open("wb") as fh:
        fh.write(b"user_id,event,timestamp\n")
        for i in range(50_000):  # well past the 1 MB head
            fh.write(f"u{i},search,2026-06-01 10:00:00\n".encode())
        for i in range(25):
            fh.write(f"v{i},book,2026-06-02 10:00:00\r\n".encode())
    res = import_file(store, editor, path)
    raw = pd.read_csv(path)
    assert (res.rows_read, res.rows_imported, res.rows_rejected) == (len(raw), len(raw), 0) == (50_025, 50_025, 0)
    assert q(store, "SELECT count(*) n FROM events WHERE event = 'book'")["n"][0] == (raw["event"] == "book").sum()


def test_gzip_report_with_a_preamble(store, editor, tmp_path):
    import gzip

    text = "# Start date: 20260101\n# End date: 20260102\ndate,visits\n2026-01-01,5\n2026-01-02,7\n"
    path = tmp_path / "report.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    res = import_file(store, editor, path)
    raw = pd.read_csv(io.StringIO(text), comment="#")
    assert (res.kind, res.rows_imported, res.rows_rejected) == ("metrics", len(raw), 0)
    assert q(store, "SELECT sum(value) s FROM metric_points")["s"][0] == raw["visits"].sum()


def test_the_usd_assumption_and_left_out_rows_are_said_where_pay_figures_are_shown(store, editor, tmp_path, capsys,
                                                                                   monkeypatch):
    from pm_core.career import salary_overview
    from pm_core.cli import main

    import_file(store, editor, DATA / "levels_fyi_salaries_head.csv")
    ov = salary_overview(store)
    raw = pd.read_csv(DATA / "levels_fyi_salaries_head.csv")
    assert ov["used"] == len(raw) and ov["currencies"] == ["USD"]
    assert any(a.startswith("levels_fyi_salaries_head.csv: currency assumed USD") for a in ov["assumptions"])
    # a pay file with no currency at all: the CLI says why there are no figures instead of 'import a CSV'
    db = tmp_path / "nocur.duckdb"
    monkeypatch.setenv("PILLARS_DB", str(db))
    pay = write(tmp_path, "pay.csv", "title,level,base\nPM,L5,85000\nPM,L5,90000\nPM,L5,95000\nPM,L5,99000\nPM,L5,97000\n")
    assert main(["import", str(pay)]) == 0
    capsys.readouterr()
    assert main(["salaries"]) == 0
    out = capsys.readouterr().out
    assert f"{len(pd.read_csv(pay))} salary rows are stored but left out (missing currency)" in out
    assert "--currency" in out


def test_ga4_date_dimension_and_a_grand_total_first_row(store, editor, tmp_path):
    text = ("# ----------------------------------------\n# Explorations\n# Start date: 20260301\n# End date: 20260303\n"
            "# ----------------------------------------\n\nDate,Sessions,Engaged sessions\nGrand total,300,180\n"
            "20260301,100,61\n20260302,120,70\n20260303,80,49\n")
    path = write(tmp_path, "exploration.csv", text)
    pv = preview_file(path, store=store)
    assert any("read as dates written YYYYMMDD" in n for n in pv.notes)
    assert any("('Grand total') is a totals row: left out" in n for n in pv.notes)
    res = import_file(store, editor, path)
    raw = pd.read_csv(io.StringIO(text), comment="#", dtype=str)
    raw = raw[raw["Date"] != "Grand total"]
    assert (res.rows_read, res.rows_imported, res.rows_rejected) == (len(raw), len(raw), 0)
    got = q(store, "SELECT date, value FROM metric_points WHERE metric = 'Sessions' ORDER BY date")
    assert list(pd.to_datetime(got["date"])) == list(pd.to_datetime(raw["Date"], format="%Y%m%d"))
    assert list(got["value"]) == [float(v) for v in raw["Sessions"]]


def test_surveymonkey_choice_columns_are_named_by_question_and_option(tmp_path):
    # SurveyMonkey's real first-row layout: a choice question spans columns, later ones with an empty name
    text = ("Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,"
            "In what country do you live?,,How likely are you to recommend us?\n"
            ",,,,,,,,,United States,Other (please specify),Response\n"
            "1001,C1,06/10/2022 07:48:07 AM,06/10/2022 08:09:25 AM,,,,,,United States,,9\n")
    info = sniff(write(tmp_path, "sm.csv", text), "sm.csv")
    try:
        assert info.header[9:] == ["In what country do you live? - United States",
                                   "In what country do you live? - Other (please specify)",
                                   "How likely are you to recommend us?"]
        assert len(pd.read_csv(info.path)) == 1 and info.row_offset == 1
    finally:
        info.cleanup()


def test_surveymonkey_xlsx_download_has_the_same_header_rows(store, editor, tmp_path):
    import openpyxl

    rows = list(csv.reader(io.StringIO(SURVEYMONKEY)))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet"
    for r in rows:
        ws.append([None if c == "" else c for c in r])
    path = tmp_path / "Customer Satisfaction Survey.xlsx"
    wb.save(path)
    raw = pd.read_csv(io.StringIO(SURVEYMONKEY), skiprows=[1], dtype=str, keep_default_na=False)
    scores = pd.to_numeric(raw.iloc[:, 9].replace(["NA", "N/A", ""], None))
    res = import_file(store, editor, path)
    assert (res.kind, res.rows_read, res.rows_imported, res.rows_rejected) == ("survey", len(raw), len(raw), 0)
    df = q(store, "SELECT score FROM survey_responses")
    assert df["score"].notna().sum() == scores.notna().sum() and df["score"].sum() == scores.sum()
