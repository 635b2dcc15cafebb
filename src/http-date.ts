/** HTTP dates (for Retry-After), loaded lazily: most servers send delta seconds. */

const MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

/**
 * Parses the three HTTP-date forms of RFC 9110 §5.6.7 as UTC, whatever the engine:
 * `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`.
 */
export function parseHttpDate(value: string): number | undefined {
  // IMF-fixdate and RFC 850 give day, month, year, time; asctime month, day, time, year.
  const m = /^[a-z]+, (\d\d)[ -]([a-z]{3})[ -](\d\d(?:\d\d)?) (\d\d):(\d\d):(\d\d) GMT$/i.exec(value);
  const a = /^[a-z]{3} ([a-z]{3}) {1,2}(\d\d?) (\d\d):(\d\d):(\d\d) (\d{4})$/i.exec(value);
  const [day, mon, year, h, min, sec]: (string | undefined)[] = m ? m.slice(1) : a ? [a[2], a[1], a[6], a[3], a[4], a[5]] : [];
  if (!year) return undefined;
  let y = +year;
  if (year.length === 2) {
    // RFC 850's two-digit year: one more than 50 years ahead is in the past.
    const now = new Date().getUTCFullYear();
    y += now - (now % 100);
    if (y > now + 50) y -= 100;
  }
  const month = MONTHS.indexOf(mon!.toLowerCase()) / 3;
  if (month % 1 || month < 0 || +day! < 1 || +day! > 31 || +h! > 23 || +min! > 59 || +sec! > 60) return undefined;
  return Date.UTC(y, month, +day!, +h!, +min!, +sec!);
}
