"""Dates as search tokens, in SQL: the index side of date-aware search.

A date written in any of the forms `app.core.dates` reads (`18 June 2024`,
`2024-06-18`, `18.06.2024`, `۱۸ ژوئن ۲۰۲۴`, `۲۹ خرداد ۱۴۰۳`, `1403/03/29`) adds
normalized tokens to the search document beside its words:

* `d20240618` — the Gregorian date, whatever calendar it was written in;
* `g0618` — its Gregorian month and day, and `j0329` — its Solar Hijri month and
  day, so a query without a year (`18 June`, `۲۹ خرداد`) finds it too.

A day and month without a year in the text (`18 June`) add their `g`/`j` token.
Queries are turned into the same tokens in Python (`app.search.selectors`), with the
parser of `app.core.dates`; `tests/search/test_date_search.py` holds both sides to
one table of spellings.

Search triggers run inside PostgreSQL, so the recognition is repeated here with
regular expressions over the prepared (folded: ASCII digits, Persian letters) text.
Calendar arithmetic is not: `search_jalali_month` lists the Gregorian first day and
length of every Solar Hijri month of years 1200-1600, computed by `jdatetime` when the
migration runs, so SQL only adds days. Month names come from `app.core.dates` too.
"""

import datetime as dt

import jdatetime

from app.core.dates import (
    _ENGLISH_MONTH_NUMBERS,
    _JALALI_MONTH_NUMBERS,
    _PERSIAN_GREGORIAN_MONTH_NUMBERS,
)

JALALI_YEARS = range(1200, 1601)
# Names that are also ordinary words: they count only with a year after them.
_WITH_YEAR_ONLY = {"مه", "می", "may"}
# Letters that may not touch a month name (ASCII letters after folding, Arabic script).
_LETTER = "a-z\\u0600-\\u06ff"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _month_rows() -> list[tuple[str, str, int, bool]]:
    rows = []
    for names, calendar in (
        (_ENGLISH_MONTH_NUMBERS, "g"),
        (_PERSIAN_GREGORIAN_MONTH_NUMBERS, "g"),
        (_JALALI_MONTH_NUMBERS, "j"),
    ):
        for name, month in names.items():
            rows.append((name, calendar, month, name not in _WITH_YEAR_ONLY))
    return rows


def _jalali_rows() -> list[tuple[int, int, dt.date, int]]:
    rows = []
    for year in JALALI_YEARS:
        for month in range(1, 13):
            first = jdatetime.date(year, month, 1).togregorian()
            following = (
                jdatetime.date(year + 1, 1, 1)
                if month == 12
                else jdatetime.date(year, month + 1, 1)
            ).togregorian()
            rows.append((year, month, first, (following - first).days))
    return rows


def _alternation(names) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


def date_tokens_sql() -> str:
    """Tables and functions behind `search_date_tokens(prepared text)`."""
    months = _month_rows()
    all_names = _alternation(name for name, *_ in months)
    english = _alternation(_ENGLISH_MONTH_NUMBERS)
    month_values = ",\n    ".join(
        f"({_literal(name)}, '{calendar}', {month}, {str(yearless).lower()})"
        for name, calendar, month, yearless in months
    )
    jalali_values = ",\n    ".join(
        f"({year}, {month}, '{first.isoformat()}', {days})"
        for year, month, first, days in _jalali_rows()
    )
    numeric_start = "(?<![0-9])(?<![0-9][./-])"
    numeric_end = "(?![0-9])(?![./-][0-9])"
    ymd = numeric_start + "([0-9]{4})([./-])([0-9]{1,2})\\2([0-9]{1,2})" + numeric_end
    dmy = numeric_start + "([0-9]{1,2})([./-])([0-9]{1,2})\\2([0-9]{4})" + numeric_end
    named_dmy = (
        "(?<![0-9])([0-9]{1,2})(?:st|nd|rd|th)?\\s*(?:of\\s+)?"
        f"({all_names})\\.?(?:\\s*ماه)?(?![{_LETTER}])"
        "(?:\\s*(?:سال\\s*)?,?\\s*([0-9]{4})(?![0-9]))?"
    )
    named_mdy = (
        f"(?<![{_LETTER}])({english})\\.?(?![{_LETTER}])\\s*([0-9]{{1,2}})(?:st|nd|rd|th)?"
        "(?![0-9])(?:\\s*,?\\s*([0-9]{4})(?![0-9]))?"
    )
    # Everything interpolated is generated here from constants, quoted by `_literal`.
    return f"""
CREATE TABLE IF NOT EXISTS search_month_name (
    name text PRIMARY KEY,
    calendar "char" NOT NULL,
    month smallint NOT NULL,
    yearless boolean NOT NULL
);
TRUNCATE search_month_name;
INSERT INTO search_month_name VALUES
    {month_values};

CREATE TABLE IF NOT EXISTS search_jalali_month (
    year smallint NOT NULL,
    month smallint NOT NULL,
    first date NOT NULL,
    days smallint NOT NULL,
    PRIMARY KEY (year, month)
);
CREATE INDEX IF NOT EXISTS search_jalali_month_first ON search_jalali_month (first);
TRUNCATE search_jalali_month;
INSERT INTO search_jalali_month VALUES
    {jalali_values};

-- The tokens of one full date: y-m-d in the Solar Hijri calendar when `jalali`.
CREATE OR REPLACE FUNCTION search_date_token(y int, m int, d int, jalali boolean)
RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    g date;
    f date;
    n int;
    jm int;
    jd int;
BEGIN
    IF m < 1 OR m > 12 OR d < 1 OR d > 31 THEN
        RETURN NULL;
    END IF;
    IF jalali THEN
        SELECT j.first, j.days INTO f, n FROM search_jalali_month j
        WHERE j.year = y AND j.month = m;
        IF f IS NULL OR d > n THEN
            RETURN NULL;
        END IF;
        g := f + (d - 1);
        jm := m;
        jd := d;
    ELSE
        IF y < 1000 OR y > 9999
            OR d > extract(day FROM make_date(y, m, 1) + interval '1 month' - interval '1 day')
        THEN
            RETURN NULL;
        END IF;
        g := make_date(y, m, d);
        SELECT j.month, j.first INTO jm, f FROM search_jalali_month j
        WHERE j.first <= g ORDER BY j.first DESC LIMIT 1;
        IF f IS NOT NULL AND g - f < 31 THEN
            jd := g - f + 1;
        ELSE
            jm := NULL;
        END IF;
    END IF;
    RETURN 'd' || to_char(g, 'YYYYMMDD') || ' g' || to_char(g, 'MMDD')
        || coalesce(' j' || lpad(jm::text, 2, '0') || lpad(jd::text, 2, '0'), '');
END;
$$;

-- Every date in a prepared (folded) text as tokens: see app/search/dates_sql.py.
CREATE OR REPLACE FUNCTION search_date_tokens(p text)
RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    m text[];
    found text[] := '{{}}';
    y int;
    a int;
    b int;
    name_calendar "char";
    name_month int;
    name_yearless boolean;
BEGIN
    IF p IS NULL OR p !~ '[0-9]' THEN
        RETURN '';
    END IF;
    -- 2024-06-18, 1403/03/29: a year in 1300-1499 is Solar Hijri.
    FOR m IN SELECT regexp_matches(p, {_literal(ymd)}, 'g') LOOP
        y := m[1]::int;
        IF y BETWEEN 1300 AND 2999 THEN
            found := found || search_date_token(y, m[3]::int, m[4]::int, y < 1500);
        END IF;
    END LOOP;
    -- 18.06.2024 day first; both readings when the day could be a month.
    FOR m IN SELECT regexp_matches(p, {_literal(dmy)}, 'g') LOOP
        y := m[4]::int;
        a := m[1]::int;
        b := m[3]::int;
        IF y BETWEEN 1300 AND 2999 THEN
            found := found || search_date_token(y, b, a, y < 1500);
            IF a <= 12 AND b <= 12 AND a <> b THEN
                found := found || search_date_token(y, a, b, y < 1500);
            END IF;
        END IF;
    END LOOP;
    -- 18 June 2024, ۱۸ ژوئن ۲۰۲۴, ۲۹ خرداد ۱۴۰۳, and 18 June without a year.
    FOR m IN SELECT regexp_matches(p, {_literal(named_dmy)}, 'g') LOOP
        SELECT n.calendar, n.month, n.yearless INTO name_calendar, name_month, name_yearless
        FROM search_month_name n WHERE n.name = m[2];
        a := m[1]::int;
        IF m[3] IS NOT NULL THEN
            y := m[3]::int;
            IF name_calendar = 'j' AND y BETWEEN 1000 AND 1999 THEN
                found := found || search_date_token(y, name_month, a, true);
            ELSIF name_calendar = 'g' THEN
                found := found || search_date_token(y, name_month, a, false);
            END IF;
        ELSIF name_yearless AND a BETWEEN 1 AND 31 THEN
            found := found
                || (name_calendar::text || lpad(name_month::text, 2, '0') || lpad(a::text, 2, '0'));
        END IF;
    END LOOP;
    -- June 18, 2024 and June 18.
    FOR m IN SELECT regexp_matches(p, {_literal(named_mdy)}, 'g') LOOP
        SELECT n.month, n.yearless INTO name_month, name_yearless
        FROM search_month_name n WHERE n.name = m[1];
        a := m[2]::int;
        IF m[3] IS NOT NULL THEN
            found := found || search_date_token(m[3]::int, name_month, a, false);
        ELSIF name_yearless AND a BETWEEN 1 AND 31 THEN
            found := found || ('g' || lpad(name_month::text, 2, '0') || lpad(a::text, 2, '0'));
        END IF;
    END LOOP;
    RETURN coalesce(array_to_string(found, ' '), '');
END;
$$;
"""  # noqa: S608
