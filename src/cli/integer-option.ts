// Numeric command-line options (ports, milliseconds) are plain decimal integers.
// Number() would take '' as 0 (a random port), and '1e3', '0x1F' or ' 5 ' as numbers
// the operator may not have meant; all of those are bad usage instead.

/** The option's value when it is a decimal integer from min to max (no sign, no leading zero), else null. */
export function integerOption(text: string, min: number, max: number): number | null {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}
