import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DecimalError, DecimalStep, formatUnits, parseDecimal } from '../../src/state/decimal.ts';

const parse = (text: string, step: DecimalStep) => parseDecimal(text, 0, text.length, step);
const bytes = (text: string) => new TextEncoder().encode(text);

/** A slow, obviously right reference: BigInt arithmetic on the regex-validated string. */
function reference(text: string, step: DecimalStep): number | 'error' {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return 'error';
  const fraction = match[2] ?? '';
  const scale = 10n ** BigInt(step.decimals);
  const exactScale = 10n ** BigInt(fraction.length);
  // value = whole + fraction / 10^len; units = value * 10^decimals must be an integer
  const numerator = (BigInt(match[1]!) * exactScale + BigInt(fraction || '0')) * scale;
  if (numerator % exactScale !== 0n) return 'error';
  const units = numerator / exactScale;
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) return 'error';
  if (units % BigInt(step.units) !== 0n) return 'error';
  return Number(units / BigInt(step.units));
}

describe('decimal parser', () => {
  const tick = DecimalStep.parse('0.5');
  const lot = DecimalStep.parse('0.001');

  it('converts on-step values exactly', () => {
    assert.equal(parse('65000.5', tick), 130_001);
    assert.equal(parse('65000', tick), 130_000);
    assert.equal(parse('65000.50', tick), 130_001);
    assert.equal(parse('0', tick), 0);
    assert.equal(parse('1.5', lot), 1500);
    assert.equal(parse('0.001', lot), 1);
    assert.equal(parse('0.0010000', lot), 1);
    assert.equal(parse('007', lot), 7000);
    assert.equal(parseDecimal(bytes('x=1.25;'), 2, 6, lot), 1250);
  });

  it('refuses each kind of bad input with its own error', () => {
    const cases: [string, number][] = [
      ['', DecimalError.EMPTY],
      ['-1', DecimalError.SIGN],
      ['+1', DecimalError.SIGN],
      ['1e5', DecimalError.EXPONENT],
      ['1E5', DecimalError.EXPONENT],
      ['NaN', DecimalError.NOT_FINITE],
      ['Infinity', DecimalError.NOT_FINITE],
      ['-Infinity', DecimalError.SIGN],
      [' 1', DecimalError.MALFORMED],
      ['1 ', DecimalError.MALFORMED],
      ['1.', DecimalError.MALFORMED],
      ['.5', DecimalError.MALFORMED],
      ['1..5', DecimalError.MALFORMED],
      ['1.2.3', DecimalError.MALFORMED],
      ['0x10', DecimalError.MALFORMED],
      ['1,5', DecimalError.MALFORMED],
      ['e5', DecimalError.MALFORMED],
      ['65000.25', DecimalError.TOO_MANY_DECIMALS],
      ['65000.7', DecimalError.OFF_STEP],
      ['9007199254740993', DecimalError.TOO_LARGE],
      ['9007199254741', DecimalError.TOO_LARGE], // fits alone, not once scaled to 0.001 units
    ];
    for (const [text, expected] of cases) {
      const step = text.startsWith('65000') ? tick : lot;
      assert.equal(parse(text, step), expected, `"${text}"`);
    }
  });

  it('parses steps and rejects bad ones', () => {
    const step = DecimalStep.parse('0.050');
    assert.equal(step.decimals, 2);
    assert.equal(step.units, 5);
    assert.throws(() => DecimalStep.parse('0'), /greater than zero/);
    assert.throws(() => DecimalStep.parse('-1'), /sign/);
    assert.throws(() => DecimalStep.parse('0.0000000000001'), /decimals/);
  });

  it('formats canonically', () => {
    assert.equal(formatUnits(150, 2), '1.5');
    assert.equal(formatUnits(7, 3), '0.007');
    assert.equal(formatUnits(100, 2), '1');
    assert.equal(formatUnits(-5, 1), '-0.5');
    assert.equal(tick.format(130_001), '65000.5');
  });

  const stepArb = fc
    .record({ units: fc.integer({ min: 1, max: 999 }), decimals: fc.integer({ min: 0, max: 8 }) })
    .map(({ units, decimals }) => DecimalStep.parse(formatUnits(units, decimals)));

  it('round-trips every valid decimal (property)', () => {
    fc.assert(
      fc.property(stepArb, fc.nat(), (step, raw) => {
        const maxSteps = Math.floor(Number.MAX_SAFE_INTEGER / step.units);
        const steps = raw % (maxSteps + 1);
        const text = step.format(steps);
        assert.equal(parse(text, step), steps, text);
        assert.equal(parseDecimal(bytes(text), 0, text.length, step), steps);
      }),
      { numRuns: 2000 },
    );
  });

  it('never crashes and never passes wrongly on random strings (property)', () => {
    const alphabet = fc.constantFrom(...'0123456789.-+eE xN');
    const texts = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 24 }),
      fc.string({ maxLength: 24 }),
      fc.string({ unit: fc.constantFrom(...'0123456789.'), maxLength: 22 }),
    );
    fc.assert(
      fc.property(stepArb, texts, (step, text) => {
        const got = parse(text, step);
        const expected = reference(text, step);
        if (expected === 'error') assert.ok(got < 0, `"${text}" on ${step.text} passed as ${got}`);
        else assert.equal(got, expected, `"${text}" on ${step.text}`);
      }),
      { numRuns: 5000 },
    );
  });
});
