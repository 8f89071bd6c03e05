/**
 * Tiny SVG-as-text builder. Every attribute value and every text node goes through {@link escapeXml}:
 * feature names come from model files and must never be able to inject markup.
 */

/** Characters XML 1.0 forbids outright (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for use in an XML text node or a double- or single-quoted attribute value. */
export function escapeXml(text: string): string {
  return text
    .replace(FORBIDDEN, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export type AttrValue = string | number | undefined;
export type Attrs = Record<string, AttrValue>;

/** A pixel coordinate as text: two decimals at most, no "-0", so output is short and deterministic. */
export function px(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`non-finite coordinate: ${n}`);
  const r = Math.round(n * 100) / 100;
  return String(r === 0 ? 0 : r);
}

function attrs(a: Attrs): string {
  let out = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    if (!/^[A-Za-z_][\w.:-]*$/.test(k)) throw new Error(`bad attribute name: ${k}`);
    out += ` ${k}="${typeof v === 'number' ? px(v) : escapeXml(v)}"`;
  }
  return out;
}

/** An element whose children are already markup (built by these helpers). */
export function el(name: string, a: Attrs = {}, children: string | readonly string[] = []): string {
  const inner = typeof children === 'string' ? children : children.join('');
  return inner === '' ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${inner}</${name}>`;
}

/** A <text>, <tspan> or <title> element whose content is plain text (escaped here). */
export function textEl(name: 'text' | 'tspan' | 'title' | 'desc', a: Attrs, content: string): string {
  return `<${name}${attrs(a)}>${escapeXml(content)}</${name}>`;
}

/** Cuts text to at most `maxChars` characters (code points), ending with an ellipsis when cut. */
export function truncate(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  return (
    chars
      .slice(0, Math.max(0, maxChars - 1))
      .join('')
      .trimEnd() + '…'
  );
}

/** Rough rendered width of text in a sans-serif font (no font metrics available when writing text). */
export function textWidth(text: string, fontSize: number): number {
  return Array.from(text).length * fontSize * 0.58;
}

/** The root element: fixed size, white background, accessible title and description. */
export function svgDocument(
  width: number,
  height: number,
  title: string,
  desc: string,
  body: string[],
): string {
  return (
    el(
      'svg',
      {
        xmlns: 'http://www.w3.org/2000/svg',
        width,
        height,
        viewBox: `0 0 ${px(width)} ${px(height)}`,
        role: 'img',
        'aria-labelledby': 'chart-title chart-desc',
        'font-family': 'Helvetica, Arial, sans-serif',
      },
      [
        textEl('title', { id: 'chart-title' }, title),
        textEl('desc', { id: 'chart-desc' }, desc),
        el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
        ...body,
      ],
    ) + '\n'
  );
}
