/**
 * The base64 check of request bodies (pictures), in one linear pass: standard alphabet, padded to a
 * multiple of 4, at most two `=` and only at the end. It accepts exactly what
 * /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/ accepts, which backtracks and
 * overflows V8's regex stack at a few million characters.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const inAlphabet = new Uint8Array(128);
for (const c of ALPHABET) inAlphabet[c.charCodeAt(0)] = 1;

export function isBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  let end = text.length;
  // At most two padding characters, and only at the end.
  if (text.endsWith('==')) end -= 2;
  else if (text.endsWith('=')) end -= 1;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || inAlphabet[code] !== 1) return false;
  }
  return true;
}
