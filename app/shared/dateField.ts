/**
 * A date as YYYY-MM-DD in one text box: one Tab stop (a date input is three or
 * four in Chromium, one per part and its picker), checked by the browser
 * against the pattern and by the server's parameter contract.
 */
export const dateField = {
  type: 'text',
  inputMode: 'numeric',
  pattern: '\\d{4}-\\d{2}-\\d{2}',
  placeholder: 'YYYY-MM-DD',
  title: 'a date as YYYY-MM-DD',
  size: 10,
  maxLength: 10,
  autoComplete: 'off',
  spellCheck: false,
} as const;
