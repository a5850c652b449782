"""Salary rows in the Levels.fyi shape; semicolon files and misspelled headers are common, so names match loosely.

Money may carry symbols and thousands separators ('£3,100'); the symbol becomes the row's currency
unless a currency column says otherwise, and stays NULL when neither tells.
"""
from .base import Field, Format

SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR"}

FORMAT = Format(
    kind="salaries", source="levels", label="Salaries (Levels.fyi style)",
    need_any=(("total", "base"), ("title", "level", "company")),
    fuzzy=True,
    fields=(
        Field("company", "text", False, ("company", "employer", "organisation", "organization")),
        Field("title", "text", False, ("title", "job_title", "role", "position"), patterns=(r"(what_is_your_)?job_title.*",)),
        Field("level", "text", False, ("level", "grade", "band")),
        Field("location", "text", False, ("location", "city", "office", "country"),
              patterns=(r"what_country_do_you_work_in.*", r"what_city_do_you_work_in.*")),
        # survey-style files (Google Forms: 'Please indicate the currency'); the first such column wins
        Field("currency", "text", False, ("currency", "currency_code"), patterns=(r"(please_)?indicate_the_currency.*",
                                                                                 r"(what_is_the_|which_)?currency.*")),
        Field("years", "number", False, ("years_of_experience", "yearsofexperience", "yoe", "experience",
                                          "years_experience", "years")),
        Field("total", "number", False, ("total_compensation", "totalyearlycompensation", "total_yearly_compensation",
                                          "total_comp", "tc", "total", "compensation")),
        Field("base", "number", False, ("base_salary", "basesalary", "base", "salary", "annual_salary"),
              patterns=(r"what_is_your_(annual_|yearly_|base_)?salary.*", r".*annual_salary.*")),
        Field("stock", "number", False, ("stock_grant_value", "stockgrantvalue", "stock", "equity", "rsu")),
        Field("bonus", "number", False, ("bonus", "annual_bonus"),
              patterns=(r"how_much_additional_monetary_compensation.*",)),
        Field("reported_on", "date", False, ("reported_on", "timestamp", "date", "reported_at", "submitted")),
    ),
)
