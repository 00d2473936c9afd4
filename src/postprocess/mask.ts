/** Replaces every character but the last `keepLast` with `*`: `+1-555-0123456` → `**********3456`. */
export function maskKeepLast(text: string, keepLast: number): string {
  const chars = [...text];
  const keep = Math.max(0, Math.min(keepLast, chars.length));
  return '*'.repeat(chars.length - keep) + chars.slice(chars.length - keep).join('');
}

/**
 * Masks an email address: the first character of the local part and the whole domain stay
 * (`ada.lovelace@example.com` → `a***********@example.com`). Text that is not an address is
 * masked entirely, so a malformed value never leaks.
 */
export function maskEmail(text: string): string {
  const at = text.lastIndexOf('@');
  if (at <= 0) return '*'.repeat([...text].length);
  const local = [...text.slice(0, at)];
  return local[0] + '*'.repeat(local.length - 1) + text.slice(at);
}
