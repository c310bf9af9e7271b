/**
 * CQ-code codec (runtime/cq-code.ts): reference vectors (protocols.md §2.9), escaping rules (§2.4),
 * schema-driven value kinds (generated protocol.json), peer-SDK bugs (peer-sdks.md §2.1, §2.2, §4),
 * malformed input, property-based round trips and linear-time scanning.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CQCodeError, escapeText, escapeValue, parseCQ, segmentFieldKinds, stringifyCQ, unescapeText, unescapeValue, type CQSegment, type CQSegmentInput, type SegmentFieldKinds } from '../runtime/cq-code.js';
import { QQWireError } from '../runtime/errors.js';

const root = new URL('../../', import.meta.url);
const protocolJson = (name: string): unknown => JSON.parse(readFileSync(new URL(`generated/${name}/protocol.json`, root), 'utf8'));
const ob11Kinds = segmentFieldKinds(protocolJson('onebot11'));
const gocqKinds = segmentFieldKinds(protocolJson('gocqhttp'));
const shamrockKinds = segmentFieldKinds(protocolJson('shamrock'));

/** A plain object whose keys are own data properties even for `__proto__`. */
function obj(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const text = (t: string): CQSegment => ({ type: 'text', data: { text: t } });

/**
 * What parse(stringify(x)) should give: adjacent text merged, empty text dropped, data null → {},
 * null/undefined values dropped; with `nested`, segment-array values normalised recursively.
 */
function normalize(segments: readonly CQSegmentInput[], nested = false): CQSegment[] {
  const out: CQSegment[] = [];
  for (const seg of segments) {
    if (seg.type === 'text') {
      const t = String(seg.data?.text ?? '');
      if (t === '') continue;
      const last = out.at(-1);
      if (last && last.type === 'text') last.data = { text: (last.data.text as string) + t };
      else out.push(text(t));
      continue;
    }
    const entries = Object.entries(seg.data ?? {})
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, nested && Array.isArray(v) ? normalize(v as CQSegmentInput[], true) : v] as const);
    out.push({ type: seg.type, data: obj(entries) as CQSegment['data'] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Reference vectors (protocols.md §2.9, verbatim)

describe('parseCQ is linear (each scan stays inside its own code)', () => {
  // Quadratic before: the `,` and `=` searches ran past each code's `]` to the end of the input.
  test('1 MB of [CQ:face] parses to exactly 116,509 face segments', () => {
    const text = '[CQ:face]'.repeat(116_509);
    assert.ok(text.length > 1_000_000);
    const out = parseCQ(text);
    assert.equal(out.length, 116_509);
    assert.ok(out.every((s) => s.type === 'face' && Object.keys(s.data).length === 0));
  });

  test('1 MB of codes with parameters and text between them parses exactly', () => {
    const unit = '[CQ:face,id=12]a,b=c[CQ:at,qq=all,name=x&#44;y]';
    const n = Math.ceil(1_000_000 / unit.length);
    const out = parseCQ(unit.repeat(n));
    assert.equal(out.length, 3 * n);
    for (let i = 0; i < out.length; i += 3) {
      assert.deepEqual(out[i], { type: 'face', data: { id: '12' } });
      assert.deepEqual(out[i + 1], { type: 'text', data: { text: 'a,b=c' } });
      assert.deepEqual(out[i + 2], { type: 'at', data: { qq: 'all', name: 'x,y' } });
    }
  });
});

describe('reference vectors (protocols.md §2.9)', () => {
  test('message/array.md example, both directions', () => {
    const cq = '&#91;第一部分&#93;[CQ:image,file=123.jpg]图片之后的部分，表情：[CQ:face,id=123]';
    const array = JSON.parse(
      '[{"type":"text","data":{"text":"[第一部分]"}},{"type":"image","data":{"file":"123.jpg"}},{"type":"text","data":{"text":"图片之后的部分，表情："}},{"type":"face","data":{"id":"123"}}]',
    );
    assert.deepEqual(parseCQ(cq), array);
    assert.equal(stringifyCQ(array), cq);
  });

  test('message/string.md text escaping example', () => {
    const plain = '- [x] 使用 `&data` 获取地址';
    const escaped = '- &#91;x&#93; 使用 `&amp;data` 获取地址';
    assert.equal(escapeText(plain), escaped);
    assert.equal(stringifyCQ({ type: 'text', data: { text: plain } }), escaped);
    assert.deepEqual(parseCQ(escaped), [text(plain)]);
    assert.equal(unescapeText(escaped), plain);
  });

  test('message/string.md share code with &#44; and &amp; in values', () => {
    const cq = '[CQ:share,title=震惊&#44;小伙睡觉前居然...,url=http://baidu.com/?a=1&amp;b=2]';
    const seg = { type: 'share', data: { title: '震惊,小伙睡觉前居然...', url: 'http://baidu.com/?a=1&b=2' } };
    assert.deepEqual(parseCQ(cq), [seg]);
    assert.equal(stringifyCQ(seg), cq);
  });

  test('custom node with nested escaped content (message/segment.md)', () => {
    const cq = '[CQ:node,user_id=10001000,nickname=某人,content=&#91;CQ:face&#44;id=123&#93;哈喽～]';
    // Untyped: content is the nested CQ text, unescaped once.
    assert.deepEqual(parseCQ(cq), [{ type: 'node', data: { user_id: '10001000', nickname: '某人', content: '[CQ:face,id=123]哈喽～' } }]);
    // Typed by the onebot11 schema: user_id is an integer, content a message (parsed recursively, face id typed too).
    assert.deepEqual(parseCQ(cq, { types: ob11Kinds }), [
      { type: 'node', data: { user_id: 10001000, nickname: '某人', content: [{ type: 'face', data: { id: 123 } }, text('哈喽～')] } },
    ]);
    // Stringify: content as an array or as CQ text gives the same vector.
    const asArray = { type: 'node', data: { user_id: 10001000, nickname: '某人', content: [{ type: 'face', data: { id: '123' } }, text('哈喽～')] } };
    const asString = { type: 'node', data: { user_id: '10001000', nickname: '某人', content: '[CQ:face,id=123]哈喽～' } };
    assert.equal(stringifyCQ(asArray), cq);
    assert.equal(stringifyCQ(asString), cq);
    assert.equal(stringifyCQ(parseCQ(cq, { types: ob11Kinds })), cq);
  });

  test('go-cqhttp parse_test vector: parse gives ONE trailing text "] 123 [" (not an exact round-trip pair)', () => {
    const bench = 'asdfqwerqwerqwer[CQ:face,id=115,text=111]asdfasdfasdfasdfasdfasdfasd[CQ:face,id=217]&#93; 123 &#91;';
    const benchArray = JSON.parse(
      '[{"type":"text","data":{"text":"asdfqwerqwerqwer"}},{"type":"face","data":{"id":"115","text":"111"}},{"type":"text","data":{"text":"asdfasdfasdfasdfasdfasdfasd"}},{"type":"face","data":{"id":"217"}},{"type":"text","data":{"text":"] "}},{"type":"text","data":{"text":"123"}},{"type":"text","data":{"text":" ["}}]',
    ) as CQSegment[];
    const parsed = parseCQ(bench);
    // What the reference says go-cqhttp's ParseString produces: a single trailing text element.
    assert.deepEqual(parsed, [
      text('asdfqwerqwerqwer'),
      { type: 'face', data: { id: '115', text: '111' } },
      text('asdfasdfasdfasdfasdfasdfasd'),
      { type: 'face', data: { id: '217' } },
      text('] 123 ['),
    ]);
    assert.notDeepEqual(parsed, benchArray, 'the two benchmark inputs are not an equivalence pair');
    // The usable part: the escaping. benchArray (three texts) writes as bench and parses to its merged form.
    assert.equal(stringifyCQ(benchArray), bench);
    assert.deepEqual(parsed, normalize(benchArray));
  });

  test('go-cqhttp get_forward_msg content string and custom-node docs example', () => {
    assert.deepEqual(parseCQ('合并转发2[CQ:image,file=xxxx,url=xxxx]'), [text('合并转发2'), { type: 'image', data: { file: 'xxxx', url: 'xxxx' } }]);
    const nodes = JSON.parse(
      '[{"type": "node", "data": {"name": "消息发送者A", "uin": "10086", "content": [{"type": "text", "data": {"text": "测试消息1"}}]}},' +
        '{"type": "node", "data": {"name": "消息发送者B", "uin": "10087", "content": "[CQ:image,file=xxxxx]测试消息2"}}]',
    ) as CQSegmentInput[];
    const cq = stringifyCQ(nodes);
    assert.equal(cq, '[CQ:node,name=消息发送者A,uin=10086,content=测试消息1][CQ:node,name=消息发送者B,uin=10087,content=&#91;CQ:image&#44;file=xxxxx&#93;测试消息2]');
    assert.deepEqual(parseCQ(cq, { types: gocqKinds }), [
      { type: 'node', data: { name: '消息发送者A', uin: 10086, content: [text('测试消息1')] } },
      { type: 'node', data: { name: '消息发送者B', uin: 10087, content: [{ type: 'image', data: { file: 'xxxxx' } }, text('测试消息2')] } },
    ]);
  });

  test('OpenShamrock data values as numbers/booleans (§3.5: "id": 351, "big": true)', () => {
    const seg = { type: 'face', data: { id: 351, big: true } };
    assert.equal(stringifyCQ(seg), '[CQ:face,id=351,big=true]');
    assert.deepEqual(parseCQ('[CQ:face,id=351,big=true]', { types: shamrockKinds }), [seg]);
    assert.deepEqual(parseCQ('[CQ:face,id=351,big=true]'), [{ type: 'face', data: { id: '351', big: 'true' } }]);
  });

  test('go-cqhttp: {"qq":123} and {"qq":"123"} write the same CQ code (§2.4)', () => {
    assert.equal(stringifyCQ({ type: 'at', data: { qq: 123 } }), stringifyCQ({ type: 'at', data: { qq: '123' } }));
    assert.equal(stringifyCQ({ type: 'at', data: { qq: 123 } }), '[CQ:at,qq=123]');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Escaping

describe('escaping (§2.4)', () => {
  test('text: & first, then [ ]; commas untouched', () => {
    assert.equal(escapeText('&[],'), '&amp;&#91;&#93;,');
    assert.equal(escapeText('&#91;'), '&amp;#91;');
    assert.equal(escapeText('&amp;'), '&amp;amp;');
  });
  test('values: additionally , → &#44;', () => {
    assert.equal(escapeValue('a,b&c[d]'), 'a&#44;b&amp;c&#91;d&#93;');
    assert.equal(escapeValue('&#44;'), '&amp;#44;');
  });
  test('unescape order: &amp; last, so escaped entity text decodes to the literal entity', () => {
    assert.equal(unescapeText('&amp;#91;'), '&#91;');
    assert.equal(unescapeText('&amp;#93;&#91;'), '&#93;[');
    assert.equal(unescapeText('&amp;amp;'), '&amp;');
    assert.equal(unescapeValue('&amp;#44;'), '&#44;');
    assert.equal(unescapeValue('&#44;&#91;&#93;&amp;'), ',[]&');
    // text unescaping does not touch &#44; (only values do)
    assert.equal(unescapeText('a&#44;b'), 'a&#44;b');
    assert.deepEqual(parseCQ('a&#44;b'), [text('a&#44;b')]);
  });
  test('unknown or partial entities are left alone', () => {
    for (const s of ['&', '&#', '&#9;', '&#910;', '&lt;', '&amp', '&#44', 'a&&b']) {
      assert.equal(unescapeValue(s), s);
      assert.deepEqual(parseCQ(s), [text(s)]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Peer bugs (peer-sdks.md)

describe('peer-SDK CQ bugs are absent', () => {
  test('node-napcat-ts CQCodeEncode replaces & last: "," → "&#44;" → "&amp;#44;" (double escaping)', () => {
    assert.equal(escapeValue(','), '&#44;');
    assert.equal(stringifyCQ({ type: 'share', data: { title: 'a,b&c', url: 'u' } }), '[CQ:share,title=a&#44;b&amp;c,url=u]');
    assert.doesNotMatch(stringifyCQ({ type: 'x', data: { v: ',[]' } }), /&amp;#/);
    assert.deepEqual(parseCQ('[CQ:share,title=a&#44;b&amp;c,url=u]'), [{ type: 'share', data: { title: 'a,b&c', url: 'u' } }]);
  });

  test('node-napcat-ts splits params on every "=": values containing "=" (URL query, base64 padding) are kept whole', () => {
    const cq = '[CQ:image,file=base64://iVBORw0KGgo=,url=https://x.test/p?a=1&amp;b==2]';
    assert.deepEqual(parseCQ(cq), [{ type: 'image', data: { file: 'base64://iVBORw0KGgo=', url: 'https://x.test/p?a=1&b==2' } }]);
    assert.equal(stringifyCQ(parseCQ(cq)), cq);
    assert.deepEqual(parseCQ('[CQ:x,k===]'), [{ type: 'x', data: { k: '==' } }]);
  });

  test('node-napcat-ts CQCodeDecode runs before splitting: escaped "&#91;CQ:" in text must stay text', () => {
    const cq = '&#91;CQ:face,id=1&#93; and &#91;CQ:at,qq=all&#93;';
    assert.deepEqual(parseCQ(cq), [text('[CQ:face,id=1] and [CQ:at,qq=all]')]);
    // And the other way: text that looks like a code is escaped, so it never becomes one.
    const seg = text('[CQ:at,qq=all]');
    assert.equal(stringifyCQ(seg), '&#91;CQ:at,qq=all&#93;');
    assert.deepEqual(parseCQ(stringifyCQ(seg)), [seg]);
    // Same inside a value: an escaped code in a value is the value's text, not a nested code.
    assert.deepEqual(parseCQ('[CQ:x,v=&#91;CQ:face&#44;id=1&#93;]'), [{ type: 'x', data: { v: '[CQ:face,id=1]' } }]);
  });

  test('koishi adapter-onebot inline escape replaces emoji with spaces: emoji pass through untouched', () => {
    const emoji = '😀 👨‍👩‍👧 🇨🇳 ❤️ 👍🏽 \u{1F9D1}\u200D\u{1F4BB}';
    assert.equal(escapeText(emoji), emoji);
    assert.equal(escapeValue(emoji), emoji);
    const msg = [text(emoji), { type: 'share', data: { title: emoji, url: 'u' } }];
    assert.equal(stringifyCQ(msg), `${emoji}[CQ:share,title=${emoji},url=u]`);
    assert.deepEqual(parseCQ(stringifyCQ(msg)), msg);
  });

  test('onebots cqcode edge-case list (re-derived): no-param tags, interleaving, &#44; in values, empty values', () => {
    assert.deepEqual(parseCQ('[CQ:rps][CQ:dice]'), [{ type: 'rps', data: {} }, { type: 'dice', data: {} }]);
    assert.equal(stringifyCQ([{ type: 'rps', data: null }, { type: 'dice' }, { type: 'shake', data: {} }]), '[CQ:rps][CQ:dice][CQ:shake]');
    assert.deepEqual(parseCQ('a[CQ:face,id=1]b[CQ:face,id=2]c'), [
      text('a'),
      { type: 'face', data: { id: '1' } },
      text('b'),
      { type: 'face', data: { id: '2' } },
      text('c'),
    ]);
    assert.deepEqual(parseCQ('[CQ:x,a=,b=1]'), [{ type: 'x', data: { a: '', b: '1' } }]);
    assert.deepEqual(parseCQ('[CQ:x,a=1&#44;2&#44;3]'), [{ type: 'x', data: { a: '1,2,3' } }]);
    assert.deepEqual(parseCQ(''), []);
    assert.deepEqual(parseCQ('&amp;'), [text('&')]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Malformed input

function strictError(s: string): CQCodeError {
  try {
    parseCQ(s, { strict: true });
  } catch (e) {
    assert.ok(e instanceof CQCodeError, `expected CQCodeError, got ${String(e)}`);
    return e;
  }
  assert.fail(`strict parse of ${JSON.stringify(s)} did not throw`);
}

describe('malformed codes: kept as text by default, typed error with strict', () => {
  const cases: [input: string, lenient: CQSegment[], reason: CQCodeError['reason'], offset: number][] = [
    ['a[CQ:face,id=1', [text('a[CQ:face,id=1')], 'unterminated', 1],
    ['[CQ:', [text('[CQ:')], 'unterminated', 0],
    ['x[CQ:bad[CQ:face,id=1]y', [text('x[CQ:bad'), { type: 'face', data: { id: '1' } }, text('y')], 'nested-bracket', 1],
    ['[CQ:]', [text('[CQ:]')], 'empty-type', 0],
    ['hi [CQ:,id=1] there', [text('hi [CQ:,id=1] there')], 'empty-type', 3],
    ['[CQ:face,id]', [text('[CQ:face,id]')], 'missing-equals', 0],
    ['[CQ:face,id=1,]', [text('[CQ:face,id=1,]')], 'missing-equals', 0],
    ['[CQ:face,,id=1]', [text('[CQ:face,,id=1]')], 'missing-equals', 0],
    ['a&amp;[CQ:face,=1]&#91;', [text('a&[CQ:face,=1]['), ], 'empty-key', 6],
    ['[CQ:face,id=1,id=2]', [{ type: 'face', data: { id: '2' } }], 'duplicate-key', 0],
  ];
  for (const [input, lenient, reason, offset] of cases) {
    test(`${JSON.stringify(input)} → ${reason}`, () => {
      assert.deepEqual(parseCQ(input), lenient);
      const e = strictError(input);
      assert.equal(e.reason, reason);
      assert.equal(e.offset, offset);
      assert.ok(e instanceof QQWireError);
      assert.equal(e.name, 'CQCodeError');
      assert.equal(e.protocol, 'onebot11');
      assert.match(e.message, new RegExp(`offset ${offset}`));
    });
  }

  test('malformed code text merges with the text around it, and a later valid code still parses', () => {
    assert.deepEqual(parseCQ('a[CQ:x,k]b[CQ:face,id=1]c[CQ:'), [text('a[CQ:x,k]b'), { type: 'face', data: { id: '1' } }, text('c[CQ:')]);
  });

  test('stray brackets in text are accepted in both modes', () => {
    for (const s of ['a]b[c', '[', ']', '[CQ', '[cq:face,id=1]', '[[CQ:face,id=1]]']) {
      assert.deepEqual(parseCQ(s), parseCQ(s, { strict: true }));
    }
    assert.deepEqual(parseCQ('[[CQ:face,id=1]]'), [text('['), { type: 'face', data: { id: '1' } }, text(']')]);
  });

  test('strict mode propagates into nested message values', () => {
    const cq = '[CQ:node,user_id=1,nickname=n,content=&#91;CQ:face&#44;id&#93;]';
    assert.deepEqual(parseCQ(cq, { types: ob11Kinds }), [{ type: 'node', data: { user_id: 1, nickname: 'n', content: [text('[CQ:face,id]')] } }]);
    assert.equal(strictErrorTyped(cq).reason, 'missing-equals');
  });

  test('protocol option names the dialect in errors', () => {
    assert.throws(() => parseCQ('[CQ:]', { strict: true, protocol: 'gocqhttp' }), (e: unknown) => e instanceof CQCodeError && e.protocol === 'gocqhttp' && e.message.startsWith('[gocqhttp]'));
  });

  test('[CQ:text,text=…] is text and merges; other keys of a text code are dropped', () => {
    assert.deepEqual(parseCQ('a[CQ:text,text=b&#44;c]d'), [text('ab,cd')]);
    assert.deepEqual(parseCQ('[CQ:text]'), []);
    assert.deepEqual(parseCQ('x[CQ:text,foo=1,text=y]'), [text('xy')]);
  });

  test('"__proto__" and other Object.prototype names are plain keys and types', () => {
    const [seg] = parseCQ('[CQ:x,__proto__=1,constructor=2]');
    assert.ok(seg);
    assert.equal(Object.getPrototypeOf(seg.data), Object.prototype);
    assert.deepEqual(Object.keys(seg.data), ['__proto__', 'constructor']);
    assert.equal(Object.getOwnPropertyDescriptor(seg.data, '__proto__')?.value, '1');
    assert.deepEqual(parseCQ('[CQ:constructor,name=1][CQ:__proto__,x=2][CQ:toString,a=3]', { types: ob11Kinds }), [
      { type: 'constructor', data: { name: '1' } },
      { type: '__proto__', data: { x: '2' } },
      { type: 'toString', data: { a: '3' } },
    ]);
    assert.equal(stringifyCQ({ type: 'x', data: obj([['__proto__', 1]]) }), '[CQ:x,__proto__=1]');
  });
});

function strictErrorTyped(s: string): CQCodeError {
  try {
    parseCQ(s, { strict: true, types: ob11Kinds });
  } catch (e) {
    assert.ok(e instanceof CQCodeError);
    return e;
  }
  assert.fail('did not throw');
}

// ---------------------------------------------------------------------------------------------------------
// stringify

describe('stringifyCQ', () => {
  test('a string is already CQ text and is returned unchanged', () => {
    assert.equal(stringifyCQ('[CQ:face,id=1]&amp;'), '[CQ:face,id=1]&amp;');
  });
  test('single segment or array', () => {
    assert.equal(stringifyCQ({ type: 'face', data: { id: 1 } }), '[CQ:face,id=1]');
    assert.equal(stringifyCQ([{ type: 'face', data: { id: 1 } }, text('&')]), '[CQ:face,id=1]&amp;');
    assert.equal(stringifyCQ([]), '');
  });
  test('numbers, booleans and bigints with String(v); boolean-ish values kept as given', () => {
    assert.equal(
      stringifyCQ({ type: 'image', data: { file: 'a.jpg', cache: 0, proxy: true, timeout: 1.5, c: 9007199254740993n } }),
      '[CQ:image,file=a.jpg,cache=0,proxy=true,timeout=1.5,c=9007199254740993]',
    );
    assert.equal(stringifyCQ({ type: 'anonymous', data: { ignore: 'yes' } }), '[CQ:anonymous,ignore=yes]');
    assert.equal(stringifyCQ({ type: 'anonymous', data: { ignore: false } }), '[CQ:anonymous,ignore=false]');
  });
  test('null and undefined values are omitted (image type: null from onebot-types data)', () => {
    assert.equal(stringifyCQ({ type: 'image', data: { file: 'a.jpg', type: null, url: undefined } }), '[CQ:image,file=a.jpg]');
  });
  test('text segment: number text via String(), missing text writes nothing', () => {
    assert.equal(stringifyCQ([text('a'), { type: 'text', data: { text: 12 } }, { type: 'text', data: null }]), 'a12');
  });
  test('nested message values: array or single segment → CQ text → escaped as a value', () => {
    const inner = [text('a,b'), { type: 'face', data: { id: 1 } }];
    assert.equal(stringifyCQ({ type: 'node', data: { content: inner } }), '[CQ:node,content=a&#44;b&#91;CQ:face&#44;id=1&#93;]');
    assert.equal(stringifyCQ({ type: 'node', data: { content: { type: 'face', data: { id: 1 } } } }), '[CQ:node,content=&#91;CQ:face&#44;id=1&#93;]');
    // doubly nested: the inner value's escapes are escaped again
    const twice = { type: 'node', data: { content: [{ type: 'node', data: { content: [text('&,')] } }] } };
    const cq = stringifyCQ(twice);
    // inner: [CQ:node,content=&amp;amp;&#44;]  (text '&,' → '&amp;,' → value-escaped)
    assert.equal(cq, '[CQ:node,content=&#91;CQ:node&#44;content=&amp;amp;amp;&amp;#44;&#93;]');
    assert.deepEqual(parseCQ(cq, { types: { node: { content: 'message' } } }), [
      { type: 'node', data: { content: [{ type: 'node', data: { content: [text('&,')] } }] } },
    ]);
  });
  test('other objects are written as JSON (Shamrock button rows) and read back with a json kind', () => {
    const rows = [{ buttons: [{ id: '1', render_data: { label: 'a,b]' } }] }];
    const cq = stringifyCQ({ type: 'button', data: { rows, appid: 102 } });
    assert.equal(cq, `[CQ:button,rows=${escapeValue(JSON.stringify(rows))},appid=102]`);
    assert.deepEqual(parseCQ(cq, { types: shamrockKinds }), [{ type: 'button', data: { rows, appid: 102 } }]);
    assert.deepEqual(parseCQ('[CQ:button,rows=not json]', { types: shamrockKinds }), [{ type: 'button', data: { rows: 'not json' } }]);
  });
  test('types and keys that cannot be written throw CQCodeError', () => {
    const bad: [CQSegmentInput, CQCodeError['reason']][] = [
      [{ type: '', data: {} }, 'invalid-type'],
      [{ type: 'a,b', data: {} }, 'invalid-type'],
      [{ type: 'a]', data: {} }, 'invalid-type'],
      [{ type: 'x', data: { 'a=b': 1 } }, 'invalid-key'],
      [{ type: 'x', data: { '': 1 } }, 'invalid-key'],
      [{ type: 'x', data: { 'a,b': 1 } }, 'invalid-key'],
      [{ type: 'x', data: { v: Symbol('s') } }, 'invalid-value'],
    ];
    for (const [seg, reason] of bad) {
      assert.throws(() => stringifyCQ(seg), (e: unknown) => e instanceof CQCodeError && e.reason === reason, JSON.stringify(seg.type));
    }
    // a key whose value is omitted is not checked (nothing is written)
    assert.equal(stringifyCQ({ type: 'x', data: { 'a=b': undefined } }), '[CQ:x]');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Schema-driven kinds

describe('segmentFieldKinds: generated from the schema (cq-code), read from protocol.json', () => {
  test('onebot11', () => {
    assert.deepEqual(ob11Kinds.poke, { type: 'integer', id: 'integer' });
    assert.deepEqual(ob11Kinds.at, { qq: 'integer' });
    assert.deepEqual(ob11Kinds.node, { id: 'integer', user_id: 'integer', content: 'message' });
    assert.deepEqual(ob11Kinds.location, { lat: 'number', lon: 'number' });
    assert.deepEqual(ob11Kinds.image, { cache: ['boolean', 'integer'], proxy: ['boolean', 'integer'], timeout: 'integer' });
    assert.deepEqual(ob11Kinds.music, { id: 'integer' }); // data oneOf platform|custom; `type` is a string enum
    for (const t of ['text', 'share', 'forward', 'xml', 'json', 'rps']) assert.equal(Object.hasOwn(ob11Kinds, t), false, t);
  });
  test('gocqhttp', () => {
    assert.deepEqual(gocqKinds.poke, { qq: 'integer' });
    assert.deepEqual(gocqKinds.node, { id: 'integer', uin: 'integer', content: 'message', seq: 'integer', time: 'integer', user_id: 'integer' });
    assert.deepEqual(gocqKinds.dice, { value: 'integer' });
    assert.equal(gocqKinds.image?.c, 'integer');
  });
  test('shamrock', () => {
    assert.deepEqual(shamrockKinds.face, { id: 'integer', big: ['boolean', 'integer'], result: 'integer' });
    assert.deepEqual(shamrockKinds.button, { rows: 'json', appid: 'integer' });
    assert.deepEqual(shamrockKinds.node, { id: 'integer', content: 'message' });
  });
  test('typed parse converts only where lossless', () => {
    const parsed = parseCQ(
      '[CQ:at,qq=all][CQ:at,qq=10001000][CQ:at,qq=9007199254740993][CQ:at,qq=007][CQ:at,qq=-0]' +
        '[CQ:image,file=1,cache=0,proxy=true,timeout=yes][CQ:location,lat=39.9,lon=1e+21,title=1][CQ:location,lat=39.90,lon=-0]',
      { types: ob11Kinds },
    );
    assert.deepEqual(parsed, [
      { type: 'at', data: { qq: 'all' } },
      { type: 'at', data: { qq: 10001000 } },
      { type: 'at', data: { qq: '9007199254740993' } }, // beyond 2^53: stays an exact string
      { type: 'at', data: { qq: '007' } },
      { type: 'at', data: { qq: '-0' } },
      { type: 'image', data: { file: '1', cache: 0, proxy: true, timeout: 'yes' } },
      { type: 'location', data: { lat: 39.9, lon: 1e21, title: '1' } },
      { type: 'location', data: { lat: '39.90', lon: '-0' } },
    ]);
    // lossless: writing the typed result gives the same text back
    const again = parseCQ('[CQ:at,qq=all][CQ:image,file=1,cache=0,proxy=true][CQ:location,lat=39.9,lon=1e+21]', { types: ob11Kinds });
    assert.equal(stringifyCQ(again), '[CQ:at,qq=all][CQ:image,file=1,cache=0,proxy=true][CQ:location,lat=39.9,lon=1e+21]');
  });
  test('the kinds are generated data: the descriptor carries the same table as protocol.json', async () => {
    const { protocol } = (await import('qqwire/onebot11')) as { protocol: { cqKinds?: unknown } };
    assert.deepEqual(segmentFieldKinds(protocol), ob11Kinds);
    assert.throws(() => segmentFieldKinds({}), /a protocol with `cq-code`/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const special = fc.constantFrom(
  '&', '[', ']', ',', '=', ';', '#', '&amp;', '&#91;', '&#93;', '&#44;', '&amp;#91;', '&amp;amp;', '&#', '[CQ:', 'CQ:', '[CQ:face,id=1]', '[CQ:]',
  '😀', '👨‍👩‍👧', '🇨🇳', '\u0000', '\uD800', ' ', '，',
);
const richText = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), special), { maxLength: 8 }).map((a) => a.join(''));
const segType = fc.stringMatching(/^[a-z_][a-z0-9_.]*$/).filter((t) => t.length <= 16 && t !== 'text' && t !== 'node');
const key = fc
  .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString', '&amp;', '&#44;', 'a&', 'id', 'text', ' '))
  .filter((k) => k !== '' && !/[,=[\]]/.test(k));
const data = fc.uniqueArray(fc.tuple(key, richText), { selector: (e) => e[0], maxLength: 5 }).map((entries) => obj(entries) as Record<string, string>);
const textSeg = richText.map((t) => text(t));
const codeSeg = fc.record({ type: segType, data });
const message = fc.array(fc.oneof(textSeg, codeSeg), { maxLength: 8 });

describe('properties (fast-check)', () => {
  test('parseCQ(stringifyCQ(x)) equals x normalised (texts merged, empty texts dropped)', () => {
    fc.assert(
      fc.property(message, (x) => {
        assert.deepEqual(parseCQ(stringifyCQ(x)), normalize(x));
      }),
      { numRuns: 1000 },
    );
  });

  test('stringifyCQ(parseCQ(s)) === s for s produced by stringify; strict parse accepts it', () => {
    fc.assert(
      fc.property(message, (x) => {
        const s = stringifyCQ(x);
        assert.equal(stringifyCQ(parseCQ(s)), s);
        assert.deepEqual(parseCQ(s, { strict: true }), parseCQ(s));
      }),
      { numRuns: 1000 },
    );
  });

  test('escape/unescape are inverses; escaped output has no raw [ ] (and no , for values)', () => {
    fc.assert(
      fc.property(richText, (s) => {
        assert.equal(unescapeText(escapeText(s)), s);
        assert.equal(unescapeValue(escapeValue(s)), s);
        assert.doesNotMatch(escapeText(s), /[[\]]/);
        assert.doesNotMatch(escapeValue(s), /[[\],]/);
      }),
      { numRuns: 1000 },
    );
  });

  const cqish = fc
    .array(
      fc.oneof(
        fc.constantFrom('[CQ:', ']', '[', ',', '=', 'a', 'face', 'id', 'text', '&#91;', '&#93;', '&amp;', '&#44;', '&', ' ', '1', '__proto__'),
        fc.string({ maxLength: 3 }),
      ),
      { maxLength: 40 },
    )
    .map((a) => a.join(''));

  test('arbitrary (mostly malformed) input: lenient never throws, output invariants hold, parse∘stringify∘parse = parse', () => {
    fc.assert(
      fc.property(cqish, (s) => {
        const p = parseCQ(s);
        for (let i = 0; i < p.length; i++) {
          const seg = p[i]!;
          if (seg.type === 'text') {
            assert.notEqual(seg.data.text, '');
            assert.notEqual(p[i + 1]?.type, 'text', 'adjacent text segments');
          }
        }
        assert.deepEqual(parseCQ(stringifyCQ(p)), p);
        // strict either agrees or throws a CQCodeError
        try {
          assert.deepEqual(parseCQ(s, { strict: true }), p);
        } catch (e) {
          if (!(e instanceof CQCodeError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('typed round trip: numbers and booleans come back as such, non-canonical strings stay strings', () => {
    const isInt = (s: string) => /^(?:0|-?[1-9][0-9]*)$/.test(s) && Number.isSafeInteger(Number(s));
    const isNum = (s: string) => Number.isFinite(Number(s)) && String(Number(s)) === s;
    const odd = fc.oneof(richText, fc.constantFrom('007', '-0', 'all', '1.0', '9007199254740993', 'yes', 'no', 'True', '', ' 1'));
    const types: SegmentFieldKinds = { v: { i: 'integer', n: 'number', b: 'boolean', m: ['boolean', 'integer'] } };
    const typed = fc.record({
      type: fc.constant('v'),
      data: fc.record(
        {
          i: fc.oneof(fc.maxSafeInteger(), odd.filter((s) => !isInt(s))),
          n: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)), odd.filter((s) => !isNum(s))),
          b: fc.oneof(fc.boolean(), odd.filter((s) => s !== 'true' && s !== 'false')),
          m: fc.oneof(fc.boolean(), fc.integer(), odd.filter((s) => s !== 'true' && s !== 'false' && !isInt(s))),
          s: fc.oneof(richText, fc.constantFrom('1', 'true')),
        },
        { requiredKeys: [] },
      ),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(textSeg, typed), { maxLength: 6 }), (x) => {
        assert.deepEqual(parseCQ(stringifyCQ(x), { types }), normalize(x));
      }),
      { numRuns: 1000 },
    );
  });

  test('nested forward nodes: content arrays round-trip through escaped values at any depth', () => {
    const { msg } = fc.letrec<{ msg: CQSegmentInput[]; node: CQSegmentInput }>((tie) => ({
      msg: fc.array(fc.oneof({ depthSize: 'small', maxDepth: 4 }, textSeg, codeSeg, tie('node')), { maxLength: 4 }),
      node: fc.record({ type: fc.constant('node'), data: fc.record({ user_id: fc.nat(), nickname: richText, content: tie('msg') }) }),
    }));
    const types: SegmentFieldKinds = { node: { user_id: 'integer', content: 'message' } };
    fc.assert(
      fc.property(msg, (x) => {
        const s = stringifyCQ(x);
        const parsed = parseCQ(s, { types });
        assert.deepEqual(parsed, normalize(x, true));
        assert.equal(stringifyCQ(parsed), s);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Linear time

describe('linear-time scanning (1 MB inputs must not hang)', () => {
  const MB = 1 << 20;
  const opts = { timeout: 30_000 };

  test('1 MB of alternating text and codes', opts, () => {
    const unit = 'text &amp; more &#91;x&#93; [CQ:face,id=123]ok[CQ:image,file=http://x/?a=1&amp;b=2,url=u&#44;v]';
    const reps = Math.ceil(MB / unit.length);
    const s = unit.repeat(reps);
    const p = parseCQ(s);
    assert.equal(p.length, 4 * reps);
    assert.deepEqual(p.slice(0, 4), [
      text('text & more [x] '),
      { type: 'face', data: { id: '123' } },
      text('ok'),
      { type: 'image', data: { file: 'http://x/?a=1&b=2', url: 'u,v' } },
    ]);
    assert.equal(stringifyCQ(p), s);
    assert.equal(parseCQ(s, { types: ob11Kinds }).length, 4 * reps);
  });

  test('1 MB pathological inputs', opts, () => {
    const malformed = [
      '[CQ:'.repeat(MB / 4),
      '[CQ:a' + 'b'.repeat(MB),
      '[CQ:a,' + ','.repeat(MB) + ']',
      '[CQ:x,' + 'k=v,'.repeat(MB / 4) + 'k]',
      '[CQ:x,' + 'k=v,'.repeat(MB / 4) + 'k[CQ:y]',
      '[CQ:a,'.repeat(MB / 6),
    ];
    for (const s of malformed) {
      const p = parseCQ(s);
      assert.ok(p.length >= 1 && p[0]!.type === 'text');
      assert.throws(() => parseCQ(s, { strict: true }), CQCodeError);
    }
    assert.deepEqual(parseCQ('[CQ:x,' + 'k=v,'.repeat(MB / 4) + 'k[CQ:y]').at(-1), { type: 'y', data: {} });
    const wellFormed = ['[CQ:a,b=' + '='.repeat(MB) + ']', '&'.repeat(MB) + '&amp;', '&#91;'.repeat(MB / 5), '['.repeat(MB) + ']'.repeat(MB)];
    for (const s of wellFormed) assert.deepEqual(parseCQ(s, { strict: true }), parseCQ(s));
    assert.equal((parseCQ('&'.repeat(MB) + '&amp;')[0]?.data.text as string).length, MB + 1);
  });

  test('1 MB value and 100k codes in one message', opts, () => {
    const big = 'a,b&c'.repeat(MB / 5);
    const p = parseCQ(stringifyCQ({ type: 'x', data: { v: big } }));
    assert.equal((p[0]?.data as Record<string, string>).v, big);
    const many = Array.from({ length: 100_000 }, (_, i) => ({ type: 'at', data: { qq: i } }));
    assert.equal(parseCQ(stringifyCQ(many), { types: ob11Kinds }).length, 100_000);
  });
});
