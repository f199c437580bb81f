/** Where and why a text is not JSON. */
export interface JsonSyntaxError {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units. */
  readonly column: number;
  /** What the parser expected or found. */
  readonly message: string;
}

class SyntaxStop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]{4}$/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * A strict JSON scanner (RFC 8259) that only locates the first syntax error. V8's `JSON.parse` messages
 * do not always carry a position, so this runs after `JSON.parse` fails to tell the user the line and column.
 */
class Scanner {
  #pos = 0;

  constructor(readonly text: string) {}

  scanDocument(): void {
    this.#skipWhitespace();
    this.#value();
    this.#skipWhitespace();
    if (this.#pos < this.text.length) this.#fail(`unexpected ${this.#describe()} after the end of the JSON value`);
  }

  #fail(message: string): never {
    throw new SyntaxStop(this.#pos, message);
  }

  #describe(): string {
    const ch = this.text[this.#pos];
    return ch === undefined ? 'end of input' : `character ${JSON.stringify(ch)}`;
  }

  #skipWhitespace(): void {
    while (this.#pos < this.text.length && WHITESPACE.has(this.text[this.#pos] ?? '')) this.#pos++;
  }

  #value(): void {
    const ch = this.text[this.#pos];
    if (ch === '{') this.#object();
    else if (ch === '[') this.#array();
    else if (ch === '"') this.#string();
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) this.#number();
    else if (ch === 't') this.#literal('true');
    else if (ch === 'f') this.#literal('false');
    else if (ch === 'n') this.#literal('null');
    else this.#fail(`expected a JSON value, found ${this.#describe()}`);
  }

  #literal(word: string): void {
    if (!this.text.startsWith(word, this.#pos)) this.#fail(`expected ${word}`);
    this.#pos += word.length;
  }

  #number(): void {
    NUMBER.lastIndex = this.#pos;
    const match = NUMBER.exec(this.text);
    if (match === null || match[0] === '-') this.#fail('invalid number');
    this.#pos += match[0].length;
  }

  #string(): void {
    this.#pos++;
    for (;;) {
      const ch = this.text[this.#pos];
      if (ch === undefined) this.#fail('unterminated string');
      if (ch === '"') {
        this.#pos++;
        return;
      }
      if (ch < ' ') this.#fail('control character in string (escape it, e.g. \\n)');
      if (ch === '\\') {
        const next = this.text[this.#pos + 1];
        if (next === 'u') {
          if (!HEX.test(this.text.slice(this.#pos + 2, this.#pos + 6))) this.#fail('invalid \\u escape in string');
          this.#pos += 6;
        } else if (next !== undefined && ESCAPES.has(next)) {
          this.#pos += 2;
        } else {
          this.#fail('invalid escape in string');
        }
      } else {
        this.#pos++;
      }
    }
  }

  #array(): void {
    this.#pos++;
    this.#skipWhitespace();
    if (this.text[this.#pos] === ']') {
      this.#pos++;
      return;
    }
    for (;;) {
      this.#skipWhitespace();
      this.#value();
      this.#skipWhitespace();
      const ch = this.text[this.#pos];
      if (ch === ']') {
        this.#pos++;
        return;
      }
      if (ch !== ',') this.#fail(`expected "," or "]" after an array element, found ${this.#describe()}`);
      this.#pos++;
    }
  }

  #object(): void {
    this.#pos++;
    this.#skipWhitespace();
    if (this.text[this.#pos] === '}') {
      this.#pos++;
      return;
    }
    for (;;) {
      this.#skipWhitespace();
      if (this.text[this.#pos] !== '"') this.#fail(`expected a property name in double quotes, found ${this.#describe()}`);
      this.#string();
      this.#skipWhitespace();
      if (this.text[this.#pos] !== ':') this.#fail(`expected ":" after a property name, found ${this.#describe()}`);
      this.#pos++;
      this.#skipWhitespace();
      this.#value();
      this.#skipWhitespace();
      const ch = this.text[this.#pos];
      if (ch === '}') {
        this.#pos++;
        return;
      }
      if (ch !== ',') this.#fail(`expected "," or "}" after a property value, found ${this.#describe()}`);
      this.#pos++;
    }
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds the first JSON syntax error in `text`, with its line and column; undefined when `text` is valid JSON.
 * Nesting deeper than the call stack allows is reported at the start of the text.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new Scanner(text).scanDocument();
    return undefined;
  } catch (thrown) {
    if (thrown instanceof SyntaxStop) return { ...lineAndColumn(text, thrown.offset), message: thrown.message };
    if (thrown instanceof RangeError) return { line: 1, column: 1, message: 'nesting is too deep to parse' };
    throw thrown;
  }
}
