const DAY = 86_400;

/** `days` business days (Monday to Friday, UTC) after `from`, at the same time of day: 5 of them are 5 to 7 calendar days. */
export function addBusinessDays(from: number, days: number): number {
  let t = from;
  let left = days;
  while (left > 0) {
    t += DAY;
    const weekday = new Date(t * 1000).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return t;
}
