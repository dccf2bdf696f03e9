/**
 * CSV downloads are opened in spreadsheets, which run a cell that starts with
 * = + - @ (or a tab or carriage return) as a formula; some also read the
 * fullwidth forms ＝ ＋ － ＠ as those signs. Text cells from the data
 * (titles, services, CIs) that start so get a leading apostrophe, which
 * spreadsheets show as text. Numbers are left alone (-3 stays a number).
 */
export const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export const neutraliseCell = (text: string) => (formulaStart.test(text) ? `'${text}` : text);

/** The same rule as a DuckDB expression over a text column (for COPY ... TO csv). */
export const neutraliseSql = (column: string) =>
  `case when regexp_matches(${column}, '^[=+\\-@\\t\\r＝＋－＠]') then '''' || ${column} else ${column} end`;
