import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pythonJsonDumps } from '../../../src/core/util/pyjson.js';

describe('pythonJsonDumps', () => {
  it('is compact and sorts keys at every depth', () => {
    assert.equal(pythonJsonDumps({ b: 1, a: { d: [1, 2], c: null } }), '{"a":{"c":null,"d":[1,2]},"b":1}');
  });

  it('sorts keys by code point like Python, not by UTF-16 unit', () => {
    // U+1F600 is a surrogate pair (0xD83D...) in UTF-16, which JS would place before U+E000.
    assert.equal(pythonJsonDumps({ '\u{1F600}': 1, '\ue000': 2, z: 3 }), '{"z":3,"\\ue000":2,"\\ud83d\\ude00":1}');
  });

  it('escapes like ensure_ascii=True', () => {
    assert.equal(pythonJsonDumps('é\u007f\u0001\n"\\/'), '"\\u00e9\\u007f\\u0001\\n\\"\\\\/"');
    assert.equal(pythonJsonDumps('\u{1F600}'), '"\\ud83d\\ude00"');
    assert.equal(pythonJsonDumps('\b\f\r\t'), '"\\b\\f\\r\\t"');
  });

  it('formats numbers like Python', () => {
    assert.equal(pythonJsonDumps([0.5, 1e-5, 1.5e-7, -2.5e-10, 0.0001, 123, -0, 1e21]), '[0.5,1e-05,1.5e-07,-2.5e-10,0.0001,123,0,1000000000000000000000]');
    assert.equal(pythonJsonDumps({ n: Number.NaN }), '{"n":null}'); // As JSON.stringify does.
  });

  it('drops undefined members and applies toJSON', () => {
    assert.equal(pythonJsonDumps({ a: undefined, d: new Date(0) }), '{"d":"1970-01-01T00:00:00.000Z"}');
  });
});
