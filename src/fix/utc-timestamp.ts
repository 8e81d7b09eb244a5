// FIX UTCTimestamp, YYYYMMDD-HH:MM:SS with optional .sss (or 6 or 9
// fractional digits), read from and written to bytes without Date objects:
// SendingTime (52) is checked against the receive window on every message and
// written on every outbound one.

const ZERO = 0x30;
const MS_PER_DAY = 86_400_000;
/** 9999-12-31T23:59:59.999Z, the last instant with a four-digit year. */
const MAX_MS = 253_402_300_799_999;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The value of `count` ASCII digits at `at`, or -1 if one of them is not a digit. */
function digits(buf: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** The two ASCII digits at `at` as a number, or -1: one compare for both (d | 9 - d is negative unless 0..9). */
function twoDigits(buf: Uint8Array, at: number): number {
  const a = buf[at]! - ZERO;
  const b = buf[at + 1]! - ZERO;
  return (a | (9 - a) | b | (9 - b)) < 0 ? -1 : a * 10 + b;
}

// SendingTime and TransactTime nearly always fall on the day of the previous
// message: the last date's day number is kept, so only the time is computed.
let cachedDate = -1;
let cachedDays = 0;

/** Days since 1970-01-01 of a YYYYMMDD number, or NaN if it is not a real date. */
function daysOfDate(date: number): number {
  if (date === cachedDate) return cachedDays;
  const year = Math.floor(date / 10_000);
  const month = Math.floor(date / 100) % 100;
  const day = date % 100;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  cachedDate = date;
  cachedDays = daysFromCivil(year, month, day);
  return cachedDays;
}

/**
 * Unix milliseconds of the UTCTimestamp in buf[start, end), or NaN if it is not one.
 * Microseconds and nanoseconds are truncated to the millisecond. Second 60 (a leap
 * second, which FIX allows) reads as the first millisecond of the next minute.
 */
export function parseUtcTimestamp(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length !== 17 && length !== 21 && length !== 24 && length !== 27) return Number.NaN;
  if (buf[start + 8] !== 0x2d || buf[start + 11] !== 0x3a || buf[start + 14] !== 0x3a) return Number.NaN;
  const century = twoDigits(buf, start);
  const year = twoDigits(buf, start + 2);
  const month = twoDigits(buf, start + 4);
  const day = twoDigits(buf, start + 6);
  const hour = twoDigits(buf, start + 9);
  const minute = twoDigits(buf, start + 12);
  const second = twoDigits(buf, start + 15);
  if ((century | year | month | day | hour | minute | second) < 0) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 60) return Number.NaN;
  const date = ((century * 100 + year) * 100 + month) * 100 + day;
  const days = daysOfDate(date);
  if (Number.isNaN(days)) return Number.NaN;
  let millis = 0;
  if (length > 17) {
    if (buf[start + 17] !== 0x2e) return Number.NaN;
    const tenths = buf[start + 18]! - ZERO;
    const hundredths = twoDigits(buf, start + 19);
    millis = (tenths | (9 - tenths) | hundredths) < 0 ? -1 : tenths * 100 + hundredths;
    // The digits beyond the millisecond are validated, then dropped.
    if (millis < 0 || digits(buf, start + 21, length - 21) < 0) return Number.NaN;
  }
  return days * MS_PER_DAY + (hour * 3600 + minute * 60 + second) * 1000 + millis;
}

function put2(buf: Uint8Array, at: number, value: number): void {
  buf[at] = ZERO + Math.floor(value / 10);
  buf[at + 1] = ZERO + (value % 10);
}

// Everything but the milliseconds changes once a second: the 18 bytes
// "YYYYMMDD-HH:MM:SS." are kept for the last second written.
const prefix = new Uint8Array(18);
let prefixSecond = Number.NaN;

function fillPrefix(second: number): void {
  const days = Math.floor(second / 86_400);
  const secondOfDay = second - days * 86_400;
  // H. Hinnant's civil_from_days.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  put2(prefix, 0, Math.floor(year / 100));
  put2(prefix, 2, year % 100);
  put2(prefix, 4, month);
  put2(prefix, 6, day);
  prefix[8] = 0x2d;
  put2(prefix, 9, Math.floor(secondOfDay / 3600));
  prefix[11] = 0x3a;
  put2(prefix, 12, Math.floor(secondOfDay / 60) % 60);
  prefix[14] = 0x3a;
  put2(prefix, 15, secondOfDay % 60);
  prefix[17] = 0x2e;
  prefixSecond = second;
}

/** The length of a UTCTimestamp with milliseconds, as written by writeUtcTimestamp. */
export const UTC_TIMESTAMP_LENGTH = 21;

/**
 * Writes `YYYYMMDD-HH:MM:SS.sss` for Unix ms `ms` (an integer from 1970 to 9999) at
 * buf[at], returning the offset after it. Throws RangeError for any other ms: a
 * programming error, not input.
 */
export function writeUtcTimestamp(buf: Uint8Array, at: number, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_MS) throw new RangeError(`not a UTCTimestamp: ${ms}`);
  const second = Math.floor(ms / 1000);
  if (second !== prefixSecond) fillPrefix(second);
  buf.set(prefix, at);
  const millis = ms - second * 1000;
  buf[at + 18] = ZERO + Math.floor(millis / 100);
  buf[at + 19] = ZERO + (Math.floor(millis / 10) % 10);
  buf[at + 20] = ZERO + (millis % 10);
  return at + UTC_TIMESTAMP_LENGTH;
}

const scratch = Buffer.alloc(UTC_TIMESTAMP_LENGTH);

/** The UTCTimestamp of `ms` as a string (e.g. for the Logon's signed bytes); allocates the string. */
export function formatUtcTimestamp(ms: number): string {
  writeUtcTimestamp(scratch, 0, ms);
  return scratch.toString('latin1');
}
