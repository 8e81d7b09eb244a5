// Exact decimals: a price or quantity string becomes a whole number of steps
// (ticks or lots) with no floating point anywhere, or a specific error.
//
// Accepted: digits, optionally a '.' followed by digits ("65000.5", "0.001",
// "1.50"). Trailing zeros beyond the step's decimals are harmless ("1.500"
// on a 0.01 step); any other digit there is an error, as is a value between
// steps. Everything else (signs, exponents, spaces, "NaN", ".5", "5.") is
// refused, because a firewall must never guess what a client meant.
//
// The same function reads a JS string (REST) or a byte range of a frame
// (FIX), so the hot path never creates a string for a number.

/** Why a decimal was refused. Negative, so a result >= 0 is always a value. */
export const DecimalError = {
  EMPTY: -1,
  /** A character that is not a digit or a single '.' between digits. */
  MALFORMED: -2,
  SIGN: -3,
  EXPONENT: -4,
  NOT_FINITE: -5,
  /** A non-zero digit beyond the step's decimals. */
  TOO_MANY_DECIMALS: -6,
  /** Representable, but not a whole multiple of the step. */
  OFF_STEP: -7,
  /** The value, in units of the step's last decimal, exceeds Number.MAX_SAFE_INTEGER. */
  TOO_LARGE: -8,
} as const;
export type DecimalErrorValue = (typeof DecimalError)[keyof typeof DecimalError];

const ERROR_TEXT: Record<DecimalErrorValue, string> = {
  [DecimalError.EMPTY]: 'is empty',
  [DecimalError.MALFORMED]: 'is not a plain decimal (digits, optionally one "." between digits)',
  [DecimalError.SIGN]: 'must not carry a sign',
  [DecimalError.EXPONENT]: 'must not use an exponent',
  [DecimalError.NOT_FINITE]: 'is not a finite number',
  [DecimalError.TOO_MANY_DECIMALS]: 'has more decimals than the step',
  [DecimalError.OFF_STEP]: 'is not a whole multiple of the step',
  [DecimalError.TOO_LARGE]: 'is too large',
};

export function decimalErrorText(error: DecimalErrorValue): string {
  return ERROR_TEXT[error];
}

/** Steps are limited so that 10^decimals and the scaled values stay exact in a double. */
export const MAX_STEP_DECIMALS = 12;

/** A tick or lot size, parsed once at configuration time. */
export class DecimalStep {
  /** Decimals of the step ("0.005" → 3). */
  readonly decimals: number;
  /** The step in units of 10^-decimals ("0.005" → 5). */
  readonly units: number;
  /** 10^decimals. */
  readonly scale: number;

  private constructor(
    readonly text: string,
    decimals: number,
    units: number,
  ) {
    this.decimals = decimals;
    this.units = units;
    this.scale = 10 ** decimals;
  }

  /** Parses a step such as "0.5" or "0.001"; throws a RangeError when it is not a positive decimal. */
  static parse(text: string): DecimalStep {
    const dot = text.indexOf('.');
    let decimals = dot < 0 ? 0 : text.length - dot - 1;
    // Trailing zeros do not make the step finer: "0.50" is the step 0.5.
    while (decimals > 0 && text.charCodeAt(dot + decimals) === 0x30) decimals--;
    if (decimals > MAX_STEP_DECIMALS) {
      throw new RangeError(`step "${text}" has more than ${MAX_STEP_DECIMALS} decimals`);
    }
    const probe = { decimals, units: 1, scale: 10 ** decimals } as DecimalStep;
    const units = parseDecimal(text, 0, text.length, probe);
    if (units < 0) throw new RangeError(`step "${text}" ${decimalErrorText(units as DecimalErrorValue)}`);
    if (units === 0) throw new RangeError(`step "${text}" must be greater than zero`);
    return new DecimalStep(text, decimals, units);
  }

  /** Formats a number of steps back as a canonical decimal string (not for the hot path). */
  format(steps: number): string {
    return formatUnits(steps * this.units, this.decimals);
  }
}

/**
 * Converts `source[start, end)` to a whole number of `step`s. Returns the
 * number of steps (>= 0) or a DecimalError (< 0). Allocates nothing.
 */
export function parseDecimal(
  source: string | Uint8Array,
  start: number,
  end: number,
  step: DecimalStep,
): number {
  if (end <= start) return DecimalError.EMPTY;
  const isText = typeof source === 'string';
  const decimals = step.decimals;
  let whole = 0;
  let fraction = 0;
  let fractionDigits = 0;
  let sawDot = false;
  let digitsBeforeDot = 0;
  for (let i = start; i < end; i++) {
    const c = isText ? (source as string).charCodeAt(i) : (source as Uint8Array)[i]!;
    const digit = c - 0x30;
    if (digit >= 0 && digit <= 9) {
      if (!sawDot) {
        whole = whole * 10 + digit;
        if (whole > Number.MAX_SAFE_INTEGER) return DecimalError.TOO_LARGE;
        digitsBeforeDot++;
      } else if (fractionDigits < decimals) {
        fraction = fraction * 10 + digit;
        fractionDigits++;
      } else if (digit !== 0) {
        return DecimalError.TOO_MANY_DECIMALS;
      }
      continue;
    }
    if (c === 0x2e /* . */ && !sawDot && digitsBeforeDot > 0 && i + 1 < end) {
      sawDot = true;
      continue;
    }
    return classify(source, start, end, i, c);
  }
  // Scale the fraction to exactly `decimals` digits ("0.5" on a 0.001 step → 500).
  for (let d = fractionDigits; d < decimals; d++) fraction *= 10;
  const units = whole * step.scale + fraction;
  if (units > Number.MAX_SAFE_INTEGER) return DecimalError.TOO_LARGE;
  const steps = Math.floor(units / step.units);
  // units and steps * step.units are exact integers below 2^53, so this comparison is exact.
  if (steps * step.units !== units) return DecimalError.OFF_STEP;
  return steps;
}

/** Names what is wrong with a string that failed at position `at` (cold path). */
function classify(
  source: string | Uint8Array,
  start: number,
  end: number,
  at: number,
  c: number,
): DecimalErrorValue {
  if (at === start && (c === 0x2b /* + */ || c === 0x2d) /* - */) return DecimalError.SIGN;
  if (c === 0x65 /* e */ || c === 0x45 /* E */) {
    // An 'e' after digits is an exponent ("1e5"); elsewhere it is junk.
    return at > start ? DecimalError.EXPONENT : DecimalError.MALFORMED;
  }
  const text =
    typeof source === 'string'
      ? source.slice(start, end)
      : String.fromCharCode(...(source as Uint8Array).subarray(start, end));
  const word = text.replace(/^[+-]/, '').toLowerCase();
  if (word === 'nan' || word === 'infinity' || word === 'inf') return DecimalError.NOT_FINITE;
  return DecimalError.MALFORMED;
}

/** Formats an integer number of 10^-decimals units as a canonical decimal ("150", 2 → "1.5"). */
export function formatUnits(units: number | bigint, decimals: number): string {
  if (decimals === 0) return String(units);
  const negative = units < 0;
  const digits = String(negative ? -units : units).padStart(decimals + 1, '0');
  const whole = (negative ? '-' : '') + digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}
