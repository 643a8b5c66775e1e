/**
 * Text as assay prints it to a terminal: a file name, a pipeline value or a run id comes from the
 * user's files, and a control character in it (ESC starting a terminal sequence, a carriage
 * return, a bidirectional override) could rewrite what the screen shows. Each such character is
 * written as a `\uXXXX` escape instead; tabs stay, and line breaks where the caller allows them.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string, opts: { readonly newlines?: boolean } = {}): string {
  return text.replace(CONTROL, (c) => (c === '\n' && opts.newlines ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
