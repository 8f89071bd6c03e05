import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from './xml';

describe('the strict XML checker used by the chart tests', () => {
  it('accepts well-formed markup and decodes entities', () => {
    const root = parseXml('<a x="1 &amp; 2"><b>&lt;hi&gt; &#39;</b><c/></a>\n');
    expect(root.attrs.x).toBe('1 & 2');
    expect(findAll(root, (e) => e.name === 'b')[0]!.text).toBe("<hi> '");
  });

  it.each([
    ['<a><b></a></b>', /does not close/],
    ['<a>', /unclosed/],
    ['<a>x & y</a>', /stray '&'/],
    ['<a x="<"/>', /raw '<'/],
    ['<a x=1/>', /not quoted/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a/><b/>', /more than one root/],
    ['<a x="1"y="2"/>', /not separated/],
  ])('rejects %s', (src, message) => {
    expect(() => parseXml(src)).toThrow(message);
  });
});
