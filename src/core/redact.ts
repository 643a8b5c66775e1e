/**
 * URLs as assay shows and records them: a password (and a secret in the query string) never
 * leaves the process. `redis://:s3cret@host:6379/0` is shown as `redis://:***@host:6379/0`.
 */

const SECRET_PARAMS = /^(password|secret|token|key|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;

/** `url` with its password and secret-looking query values replaced by `***`; unparsable text is shown as `(unparsable URL)`. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(unparsable URL)';
  }
  if (u.password !== '') u.password = '***';
  for (const name of [...u.searchParams.keys()]) if (SECRET_PARAMS.test(name)) u.searchParams.set(name, '***');
  return u.toString();
}
