// The configuration's JSON reader: it accepts exactly what JSON.parse accepts, a syntax
// error names its line and column without quoting the text (which may be a secret), and
// each member an object names twice is a problem at its path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfigText } from '../../src/state/config/json-text.ts';

const demoText = readFileSync('config/demo.json', 'utf8');

function acceptedByJsonParse(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('configuration JSON text', () => {
  it('accepts and refuses exactly what JSON.parse does (property)', () => {
    // JSON's punctuation, a few letters and digits, a control character and a non-ASCII one.
    const unit = fc.constantFrom(...' \t\r\n{}[]:,"\\/aefklnrstu019.+-E\u0001\u00e9');
    const jsonish = fc.string({ unit, maxLength: 40 });
    const mutated = fc
      .tuple(fc.nat(demoText.length), fc.nat(3), fc.string({ maxLength: 3 }))
      .map(([at, cut, insert]) => demoText.slice(0, at) + insert + demoText.slice(at + cut));
    const valueText = fc.jsonValue().map((v) => JSON.stringify(v, null, 1));
    fc.assert(
      fc.property(fc.oneof(jsonish, mutated, valueText), (text) => {
        const { raw } = parseConfigText(text);
        assert.equal(raw !== undefined, acceptedByJsonParse(text), text);
        if (raw !== undefined) assert.deepEqual(raw, JSON.parse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('names the line and column of a syntax error at $', () => {
    const cases: [string, string][] = [
      ['{\n  "a": 1,\n  "b": hunter2xyz\n}', 'line 3, column 8'],
      ['{"a": 1,}', 'line 1, column 9'],
      ['{"a": "é', 'line 1, column 9'],
      ['', 'line 1, column 1'],
      ['{"a": 1}\r\n x', 'line 2, column 2'],
      ['{"a": 01}', 'line 1, column 8'],
    ];
    for (const [text, where] of cases) {
      const { problems } = parseConfigText(text);
      assert.equal(problems.length, 1, text);
      assert.equal(problems[0]!.path, '$');
      assert.match(problems[0]!.message, new RegExp(`^not valid JSON at ${where}: `), text);
    }
  });

  it('never quotes the text around the error (property)', () => {
    const secret = fc.stringMatching(/^[a-z][A-Za-z0-9]{5,19}$/);
    const broken = fc.constantFrom(
      (s: string) => `{"value": ${s}}`,
      (s: string) => `{"value": "${s}}`,
      (s: string) => `{"value": "${s}",}`,
      (s: string) => `{"value": "${s}" "x": 1}`,
      (s: string) => `{"value": "${s}\n"}`,
      (s: string) => `{"value": "\\q${s}"}`,
      (s: string) => `{"value" "${s}"}`,
      (s: string) => `["${s}" ${s}]`,
      (s: string) => `{"value": "${s}"} ${s}`,
    );
    fc.assert(
      fc.property(secret, broken, (s, make) => {
        const { problems } = parseConfigText(make(s));
        assert.equal(problems.length, 1);
        assert.ok(!JSON.stringify(problems).includes(s), JSON.stringify(problems));
      }),
    );
  });

  it('tells the first 20 repeated members, then counts the rest: a file of repeats makes a short report', () => {
    const members = Array.from({ length: 1000 }, (_, i) => `"k":${i}`).join(',');
    const { problems } = parseConfigText(`{"a":{${members}}}`);
    assert.equal(problems.length, 21);
    assert.deepEqual(problems[0], {
      path: '$.a.k',
      message: 'appears more than once in its object: JSON readers differ on which one counts',
    });
    assert.deepEqual(problems[20], { path: '$', message: 'and 979 more members named twice' });
    // Deep, long-named repeats: the report stays small.
    const key = 'x'.repeat(1000);
    let deep = `{"${key}":1,"${key}":2}`;
    for (let i = 0; i < 50; i++) deep = `{"${key}":${deep},"r${i}":1,"r${i}":2}`;
    const report = parseConfigText(deep).problems;
    assert.equal(report.length, 21);
    assert.ok(JSON.stringify(report).length < 2_000_000);
  });

  it('names the path of each member an object names twice (escaped spellings included)', () => {
    const text = '{"a": 1, "b": [{"x": 1, "y": 2, "\\u0078": 3}], "a": {"s p": 1, "s p": 2}, "a": 3}';
    const { raw, problems } = parseConfigText(text);
    assert.deepEqual(raw, JSON.parse(text));
    assert.deepEqual(
      problems.map((p) => p.path),
      ['$.b[0].x', '$.a', '$.a["s p"]', '$.a'],
    );
    assert.match(problems[0]!.message, /appears more than once/);
    assert.deepEqual(parseConfigText('{"a": {"x": 1}, "b": {"x": 1}}').problems, []);
  });

  it('refuses nesting deeper than any configuration needs, without overflowing the stack', () => {
    const { problems } = parseConfigText('['.repeat(100_000));
    assert.match(problems[0]!.message, /nested more than/);
  });
});
