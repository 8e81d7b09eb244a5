// Reading the configuration file's JSON text. JSON.parse's error message quotes
// the text around the error, and that text may be a secret (`{"value": ...}`
// with the quotes forgotten), which would then reach the terminal and, on a
// reload, the log. So the text is first checked here against the JSON grammar
// (RFC 8259), and a syntax error is told by its line and column only.
//
// The same walk finds an object that names a member twice. JSON.parse keeps the last
// silently, where another reader (an editor, a linter, a review tool) may show the
// first, so the setting in force would not be the one that was read; each repeat is a
// problem at its JSON path, as a repeated field is in a REST body.
import { formatJsonPath } from './json-path.ts';
import type { ConfigProblem } from './load.ts';

/** Deeper nesting than any configuration needs; the check recurses, so it must stop somewhere. */
const MAX_DEPTH = 512;
/** Repeated members told one by one; past these, one problem counts the rest. */
const MAX_REPEATS_TOLD = 20;

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly what: string,
  ) {
    super(what);
  }
}

/**
 * Parses a configuration's text. A syntax error is one problem at `$` naming where, never
 * what, and `raw` is undefined; a repeated member is a problem at its path, with `raw` read.
 */
export function parseConfigText(text: string): { raw: unknown; problems: ConfigProblem[] } {
  const check = new GrammarCheck(text);
  try {
    check.document();
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const { line, column } = lineAndColumn(text, error.offset);
    return {
      raw: undefined,
      problems: [{ path: '$', message: `not valid JSON at line ${line}, column ${column}: ${error.what}` }],
    };
  }
  return { raw: JSON.parse(text), problems: check.repeated };
}

/** 1-based line and column (in characters) of an offset into the text. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  return { line, column: [...before.slice(lineStart)].length + 1 };
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHexDigit = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** Walks the text once, throwing JsonSyntaxError at the first place it is not JSON. */
class GrammarCheck {
  /** Each member named a second time in its object (the first MAX_REPEATS_TOLD, then a count). */
  readonly repeated: ConfigProblem[] = [];
  private repeatsNotTold = 0;
  private at = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.whitespace();
    this.value([]);
    this.whitespace();
    if (this.at < this.text.length) this.fail('unexpected text after the end of the JSON value');
  }

  /** One problem per repeat up to a bound: a file of repeats must not make a report of gigabytes. */
  private reportRepeat(path: (string | number)[]): void {
    if (this.repeated.length < MAX_REPEATS_TOLD) {
      this.repeated.push({
        path: formatJsonPath(path),
        message: 'appears more than once in its object: JSON readers differ on which one counts',
      });
      return;
    }
    this.repeatsNotTold++;
    const more = { path: '$', message: `and ${this.repeatsNotTold} more members named twice` };
    if (this.repeatsNotTold === 1) this.repeated.push(more);
    else this.repeated[this.repeated.length - 1] = more;
  }

  private fail(what: string): never {
    throw new JsonSyntaxError(this.at, what);
  }

  private peek(): number {
    return this.text.charCodeAt(this.at);
  }

  private whitespace(): void {
    for (let c = this.peek(); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = this.peek())
      this.at++;
  }

  private value(path: (string | number)[]): void {
    if (path.length > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
    const c = this.peek();
    if (c === 0x7b) this.object(path);
    else if (c === 0x5b) this.array(path);
    else if (c === 0x22) this.string();
    else if (c === 0x2d || isDigit(c)) this.number();
    else if (this.text.startsWith('true', this.at)) this.at += 4;
    else if (this.text.startsWith('false', this.at)) this.at += 5;
    else if (this.text.startsWith('null', this.at)) this.at += 4;
    else if (this.at >= this.text.length) this.fail('the file ends where a value should be');
    else
      this.fail('expected a value (an object, array, string in double quotes, number, true, false or null)');
  }

  private object(path: (string | number)[]): void {
    const names = new Set<string>();
    this.at++;
    this.whitespace();
    if (this.peek() === 0x7d) {
      this.at++;
      return;
    }
    for (;;) {
      this.whitespace();
      if (this.peek() !== 0x22) this.fail('expected a property name in double quotes');
      const start = this.at;
      this.string();
      // Decoded, so that "\u0069d" and "id" are the same name.
      const name = JSON.parse(this.text.slice(start, this.at)) as string;
      path.push(name);
      if (names.has(name)) this.reportRepeat(path);
      names.add(name);
      this.whitespace();
      if (this.peek() !== 0x3a) this.fail('expected ":" after the property name');
      this.at++;
      this.whitespace();
      this.value(path);
      path.pop();
      this.whitespace();
      const c = this.peek();
      this.at++;
      if (c === 0x7d) return;
      if (c !== 0x2c) {
        this.at--;
        this.fail('expected "," or "}" after the property value');
      }
    }
  }

  private array(path: (string | number)[]): void {
    let index = 0;
    this.at++;
    this.whitespace();
    if (this.peek() === 0x5d) {
      this.at++;
      return;
    }
    for (;;) {
      this.whitespace();
      path.push(index++);
      this.value(path);
      path.pop();
      this.whitespace();
      const c = this.peek();
      this.at++;
      if (c === 0x5d) return;
      if (c !== 0x2c) {
        this.at--;
        this.fail('expected "," or "]" after the array element');
      }
    }
  }

  private string(): void {
    this.at++;
    for (;;) {
      const c = this.peek();
      if (Number.isNaN(c)) this.fail('the file ends inside a string');
      if (c === 0x22) {
        this.at++;
        return;
      }
      if (c < 0x20) this.fail('a control character (such as a line break) inside a string: write it escaped');
      if (c !== 0x5c) {
        this.at++;
        continue;
      }
      const escaped = this.text.charCodeAt(this.at + 1);
      if ('"\\/bfnrt'.includes(String.fromCharCode(escaped))) this.at += 2;
      else if (escaped === 0x75 && [2, 3, 4, 5].every((k) => isHexDigit(this.text.charCodeAt(this.at + k))))
        this.at += 6;
      else this.fail('invalid escape in a string');
    }
  }

  private number(): void {
    if (this.peek() === 0x2d) this.at++;
    if (this.peek() === 0x30) this.at++;
    else if (isDigit(this.peek())) this.digits();
    else this.fail('invalid number');
    if (this.peek() === 0x2e) {
      this.at++;
      if (!isDigit(this.peek())) this.fail('invalid number: a digit must follow "."');
      this.digits();
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.at++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.at++;
      if (!isDigit(this.peek())) this.fail('invalid number: a digit must follow the exponent');
      this.digits();
    }
  }

  private digits(): void {
    while (isDigit(this.peek())) this.at++;
  }
}
