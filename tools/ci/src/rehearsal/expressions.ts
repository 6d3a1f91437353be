/**
 * The part of GitHub Actions' expression language the workflow uses, so that the
 * rehearsal evaluates the workflow's own `if:` and `env:` values instead of
 * restating them: literals ('text', numbers, true, false, null), context paths
 * (`vars.X`, `needs.images-main.result`), `==`, `!=`, `!`, `&&`, `||`,
 * parentheses and `always()`. Anything else is an error, so an expression the
 * rehearsal cannot follow is never guessed at.
 */

/** The contexts an expression reads (github, vars, secrets, matrix, runner, needs, inputs). */
export type ExpressionContext = Record<string, unknown>;

type Value = string | number | boolean | null | Record<string, unknown> | unknown[];

interface Token {
  kind: 'str' | 'num' | 'word' | 'op';
  text: string;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`);
        if (src[i] === "'" && src[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (src[i] === "'") {
          i++;
          break;
        } else text += src[i++];
      }
      tokens.push({ kind: 'str', text });
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      tokens.push({ kind: 'num', text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*/.exec(src.slice(i))!;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else {
      const op = ['==', '!=', '&&', '||'].find((o) => src.startsWith(o, i)) ?? (['!', '(', ')'].includes(c) ? c : undefined);
      if (!op) throw new Error(`the rehearsal cannot evaluate "${c}" in ${src}`);
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  return tokens;
}

/** GitHub's truthiness: false, 0, '', null are false; everything else true. */
export function truthy(v: Value | undefined): boolean {
  return !(v === false || v === 0 || v === '' || v === null || v === undefined);
}

function equal(a: Value, b: Value): boolean {
  // GitHub compares strings without regard to case.
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function lookup(path: string, ctx: ExpressionContext, src: string): Value {
  const [head, ...rest] = path.split('.');
  if (!(head! in ctx)) throw new Error(`the rehearsal gives no context "${head}" (in ${src})`);
  let v: unknown = ctx[head!];
  for (const key of rest) {
    if (v === null || v === undefined || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[key];
  }
  // A missing property is null, as in GitHub.
  return v === undefined ? null : (v as Value);
}

/** Evaluates one expression (the text between `${{` and `}}`, or an `if:`). */
export function evaluate(src: string, ctx: ExpressionContext): Value {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (text: string) => {
    if (peek()?.text !== text) throw new Error(`expected "${text}" at token ${pos} of ${src}`);
    pos++;
  };
  const primary = (): Value => {
    const t = tokens[pos++];
    if (!t) throw new Error(`unexpected end of ${src}`);
    if (t.kind === 'str') return t.text;
    if (t.kind === 'num') return Number(t.text);
    if (t.text === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (t.text === '!') return !truthy(primary());
    if (t.kind === 'word') {
      if (t.text === 'true') return true;
      if (t.text === 'false') return false;
      if (t.text === 'null') return null;
      if (peek()?.text === '(') {
        take('(');
        take(')');
        if (t.text === 'always') return true;
        throw new Error(`the rehearsal cannot evaluate the function ${t.text}() in ${src}`);
      }
      return lookup(t.text, ctx, src);
    }
    throw new Error(`unexpected "${t.text}" in ${src}`);
  };
  const comparison = (): Value => {
    const left = primary();
    const op = peek()?.text;
    if (op === '==' || op === '!=') {
      pos++;
      const right = primary();
      return op === '==' ? equal(left, right) : !equal(left, right);
    }
    return left;
  };
  // && and || give one of their operands, not a boolean (`a && 'x' || b`).
  const and = (): Value => {
    let v = comparison();
    while (peek()?.text === '&&') {
      pos++;
      const right = comparison();
      v = truthy(v) ? right : v;
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek()?.text === '||') {
      pos++;
      const right = and();
      v = truthy(v) ? v : right;
    }
    return v;
  };
  const v = or();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]?.text}" in ${src}`);
  return v;
}

/** A value as GitHub puts it into a string: null is empty, objects are JSON. */
function asText(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A workflow value with `${{ … }}` parts, each evaluated and put in as text. */
export function interpolate(value: string, ctx: ExpressionContext): string {
  return value.replace(/\$\{\{(.*?)\}\}/gs, (_m, expr: string) => asText(evaluate(expr, ctx)));
}

/** An `if:` condition (with or without `${{ }}`), as a boolean. */
export function condition(value: string | undefined, ctx: ExpressionContext): boolean {
  if (value === undefined) return true;
  const m = /^\s*\$\{\{(.*)\}\}\s*$/s.exec(value);
  return truthy(evaluate(m ? m[1]! : value, ctx));
}
