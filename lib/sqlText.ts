/**
 * The only things ever spliced into SQL text: identifiers and literals that
 * come from the project's own schemas, each checked against a strict pattern.
 * Every value from a user, a file or a URL is a bound parameter instead.
 */
export const quoteIdent = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`refusing to splice identifier ${name}`);
  return `"${name}"`;
};

/** A code-like text literal (enum values): lowercase letters, digits and underscores only. */
export const codeLiteral = (value: string): string => {
  if (!/^[a-z0-9_]+$/.test(value)) throw new Error(`refusing to splice literal ${value}`);
  return `'${value}'`;
};

/** An integer literal (schema bounds). */
export const intLiteral = (value: number): string => {
  if (!Number.isSafeInteger(value)) throw new Error(`refusing to splice number ${value}`);
  return String(value);
};

/** A file path literal (ATTACH takes no bound parameter): refused when it holds a quote or a control character. */
export const fileLiteral = (file: string): string => {
  if (/['\\\p{Cc}]/u.test(file))
    throw new Error(
      `refusing to splice the path ${JSON.stringify(file)}: it holds a quote, a backslash or a control character`,
    );
  return `'${file}'`;
};
