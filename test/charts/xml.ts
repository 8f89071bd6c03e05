/**
 * A deliberately strict, tiny XML checker for the chart tests: one root element, balanced tags, quoted
 * attributes without raw '<' or stray '&', text without raw '<' or stray '&', no duplicate attributes.
 * It returns a small tree to query. Not a general XML parser (no DOCTYPE, CDATA or processing instructions).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text content of this element and its descendants, entities decoded. */
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`raw '<' in ${where}`);
  if (raw.replace(ENTITY, '').includes('&')) throw new Error(`stray '&' in ${where}: ${raw.slice(0, 60)}`);
  return raw.replace(ENTITY, (e) => {
    const named: Record<string, string> = {
      '&amp;': '&',
      '&lt;': '<',
      '&gt;': '>',
      '&quot;': '"',
      '&apos;': "'",
    };
    if (named[e]) return named[e];
    const code = e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10);
    return String.fromCodePoint(code);
  });
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipWs = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  skipWs();
  if (src.startsWith('<?xml', i)) i = src.indexOf('?>', i) + 2;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const textEnd = lt < 0 ? src.length : lt;
    const text = src.slice(i, textEnd);
    if (text.trim() !== '' || (stack.length > 0 && text !== '')) {
      if (stack.length === 0) throw new Error(`text outside the root element at ${i}`);
      const decoded = decode(text, 'text');
      for (const e of stack) e.text += decoded;
    }
    if (lt < 0) break;
    i = lt;
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (src.startsWith('</', i)) {
      const m = NAME.exec(src.slice(i + 2));
      const close = src.indexOf('>', i);
      if (!m || close < 0 || src.slice(i + 2 + m[0].length, close).trim() !== '')
        throw new Error(`bad end tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[0])
        throw new Error(`</${m[0]}> does not close <${open?.name ?? '(nothing)'}>`);
      i = close + 1;
      continue;
    }
    const m = NAME.exec(src.slice(i + 1));
    if (!m) throw new Error(`bad tag at ${i}: ${src.slice(i, i + 20)}`);
    const elem: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    i += 1 + m[0].length;
    for (;;) {
      const before = i;
      skipWs();
      if (src.startsWith('/>', i) || src[i] === '>') break;
      if (i === before) throw new Error(`attributes of <${elem.name}> not separated by space at ${i}`);
      const an = NAME.exec(src.slice(i));
      if (!an) throw new Error(`bad attribute in <${elem.name}> at ${i}`);
      i += an[0].length;
      if (src[i] !== '=') throw new Error(`attribute ${an[0]} without '='`);
      const q = src[i + 1];
      if (q !== '"' && q !== "'") throw new Error(`attribute ${an[0]} not quoted`);
      const end = src.indexOf(q, i + 2);
      if (end < 0) throw new Error(`unterminated attribute ${an[0]}`);
      if (an[0] in elem.attrs) throw new Error(`duplicate attribute ${an[0]} in <${elem.name}>`);
      elem.attrs[an[0]] = decode(src.slice(i + 2, end), `attribute ${an[0]}`);
      i = end + 1;
    }
    const selfClosing = src.startsWith('/>', i);
    i += selfClosing ? 2 : 1;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(elem);
    else if (root) throw new Error('more than one root element');
    else root = elem;
    if (!selfClosing) stack.push(elem);
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** All descendants (depth first, document order) matching the predicate. */
export function findAll(node: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (pred(c)) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

export const hasClass = (cls: string) => (e: XmlElement) => (e.attrs.class ?? '').split(/\s+/).includes(cls);
