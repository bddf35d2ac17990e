import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  CharsetEncodeError,
  decodeText,
  encodeText,
  isCharsetSupported,
  parseSpecificCharacterSet,
} from "../../src/dataset/charset.js";
import { NetdicomError } from "../../src/util/errors.js";

/** Bytes from a string whose characters are byte values ("\x1b$B;3" style, as the standard prints them). */
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
/** Bytes from "0x57 0x61 …" as PS3.5 Annex J and K list them. */
const hex = (s: string): Uint8Array => Uint8Array.from(s.trim().split(/\s+/), (h) => Number.parseInt(h, 16));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// The worked examples of PS3.5 Annexes H–K. `encodes: false` where the example carries a pad byte.
const annex = [
  {
    name: "H.3.1 Japanese, value 1 absent, ISO 2022 IR 87",
    charsets: ["", "ISO 2022 IR 87"],
    bytes: bytes("Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B"),
    text: "Yamada^Tarou=山田^太郎=やまだ^たろう",
    encodes: true,
  },
  {
    name: "H.3.2 Japanese, ISO 2022 IR 13 (katakana in G1) with ISO 2022 IR 87",
    charsets: ["ISO 2022 IR 13", "ISO 2022 IR 87"],
    bytes: bytes(
      "\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B;3ED\x1b(J^\x1b$BB@O:\x1b(J=\x1b$B$d$^$@\x1b(J^\x1b$B$?$m$&\x1b(J",
    ),
    text: "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう",
    encodes: true,
  },
  {
    name: "I.2 Korean, ISO 2022 IR 149",
    charsets: ["", "ISO 2022 IR 149"],
    bytes: bytes("Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf"),
    text: "Hong^Gildong=洪^吉洞=홍^길동",
    encodes: true,
  },
  {
    name: "J.2 Chinese, UTF-8 (ISO_IR 192)",
    charsets: ["ISO_IR 192"],
    bytes: hex(
      "0x57 0x61 0x6e 0x67 0x5e 0x58 0x69 0x61 0x6f 0x44 0x6f 0x6e 0x67 0x3d 0xe7 0x8e 0x8b 0x5e 0xe5 0xb0 0x8f 0xe6 0x9d 0xb1 0x3d",
    ),
    text: "Wang^XiaoDong=王^小東=",
    encodes: true,
  },
  {
    name: "J.3 Chinese, GB18030",
    charsets: ["GB18030"],
    bytes: hex(
      "0x57 0x61 0x6e 0x67 0x5e 0x58 0x69 0x61 0x6f 0x44 0x6f 0x6e 0x67 0x3d 0xcd 0xf5 0x5e 0xd0 0xa1 0xb6 0xab 0x3d",
    ),
    text: "Wang^XiaoDong=王^小东=",
    encodes: true,
  },
  {
    name: "K.2 Chinese, ISO 2022 IR 58 (GB 2312 in G1), with its pad byte",
    charsets: ["", "ISO 2022 IR 58"],
    bytes: hex(
      "0x5A 0x68 0x61 0x6E 0x67 0x5E 0x58 0x69 0x61 0x6F 0x44 0x6F 0x6E 0x67 0x3D 0x1B 0x24 0x29 0x41 0xD5 0xC5 0x5E 0x1B 0x24 0x29 0x41 0xD0 0xA1 0xB6 0xAB 0x3D 0x20",
    ),
    text: "Zhang^XiaoDong=张^小东= ",
    encodes: false,
  },
];

for (const c of annex) {
  test(`PS3.5 ${c.name}: decodes`, () => {
    assert.equal(decodeText(c.bytes, c.charsets, { vr: "PN" }), c.text);
  });
  if (c.encodes) {
    test(`PS3.5 ${c.name}: encodes to the standard's bytes`, () => {
      assert.equal(toHex(encodeText(c.text, c.charsets, { vr: "PN" })), toHex(c.bytes));
    });
  }
}

test("PS3.5 K.2: encoding the text without its pad gives the bytes without the pad", () => {
  const k2 = annex[5] as (typeof annex)[number];
  assert.equal(
    toHex(encodeText("Zhang^XiaoDong=张^小东=", k2.charsets, { vr: "PN" })),
    toHex(k2.bytes.subarray(0, -1)),
  );
});

test("PS3.5 K.3: LT lines switch back to ASCII at CR LF", () => {
  const lt =
    hex(`0x31 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xD2 0xBB 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x1B 0x28 0x42 0x0D 0x0A
    0x32 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xB6 0xFE 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x1B 0x28 0x42 0x0D 0x0A
    0x33 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xC8 0xFD 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x1B 0x28 0x42 0x0D 0x0A 0x20`);
  assert.equal(
    decodeText(lt, ["", "ISO 2022 IR 58"], { vr: "LT" }),
    "1.第一行文字。\r\n2.第二行文字。\r\n3.第三行文字。\r\n ",
  );
});

// One distinctive character per single-byte Defined Term (PS3.3 Table C.12-2), and its byte.
const singleByte = [
  { term: "ISO_IR 100", final: "A", byte: 0xe9, char: "é" },
  { term: "ISO_IR 101", final: "B", byte: 0xf8, char: "ř" },
  { term: "ISO_IR 109", final: "C", byte: 0xf5, char: "ġ" },
  { term: "ISO_IR 110", final: "D", byte: 0xf1, char: "ņ" },
  { term: "ISO_IR 144", final: "L", byte: 0xb6, char: "Ж" },
  { term: "ISO_IR 127", final: "G", byte: 0xc7, char: "ا" },
  { term: "ISO_IR 126", final: "F", byte: 0xe1, char: "α" },
  { term: "ISO_IR 138", final: "H", byte: 0xf9, char: "ש" },
  { term: "ISO_IR 148", final: "M", byte: 0xfe, char: "ş" },
  { term: "ISO_IR 203", final: "b", byte: 0xa4, char: "€" },
  { term: "ISO_IR 166", final: "T", byte: 0xa1, char: "ก" },
  { term: "ISO_IR 13", final: "", byte: 0xb1, char: "ｱ" },
];

for (const s of singleByte) {
  test(`${s.term}: byte 0x${s.byte.toString(16)} is "${s.char}", both ways`, () => {
    const raw = Uint8Array.of(0x41, s.byte, 0x5c, 0x42);
    assert.equal(decodeText(raw, [s.term], { vr: "LO" }), `A${s.char}\\B`);
    assert.deepEqual([...encodeText(`A${s.char}\\B`, [s.term], { vr: "LO" })], [...raw]);
    assert.ok(isCharsetSupported(s.term));
  });
  if (s.final) {
    const iso2022 = s.term.replace("ISO_IR", "ISO 2022 IR");
    test(`${iso2022}: ESC - ${s.final} designates it to G1 after a default value 1`, () => {
      const raw = Uint8Array.of(0x1b, 0x2d, s.final.charCodeAt(0), s.byte);
      assert.equal(decodeText(raw, ["", iso2022], { vr: "LO" }), s.char);
      assert.deepEqual([...encodeText(s.char, ["", iso2022], { vr: "LO" })], [...raw]);
    });
  }
}

test("no Specific Character Set: high bytes read as ISO 8859-1 (nothing lost), ASCII only on encode", () => {
  assert.equal(decodeText(bytes("Caf\xe9"), []), "Café");
  assert.equal(decodeText(bytes("Caf\xe9"), [""]), "Café");
  assert.deepEqual([...encodeText("Doe^John", [])], [...bytes("Doe^John")]);
  assert.throws(() => encodeText("Café", []), { code: "ERR_CHARSET_ENCODE" });
});

test("VRs outside PS3.5 6.1.2.3 ignore the Specific Character Set", () => {
  assert.equal(decodeText(bytes("\xb6"), ["ISO_IR 144"], { vr: "CS" }), "¶");
  assert.equal(decodeText(bytes("\xb6"), ["ISO_IR 144"], { vr: "LO" }), "Ж");
  assert.throws(() => encodeText("Ж", ["ISO_IR 144"], { vr: "AE" }), CharsetEncodeError);
});

test("JIS X 0212 (ESC $ ( D) reaches the supplementary kanji", () => {
  const raw = bytes("\x1b$(D0!\x1b(B");
  assert.equal(decodeText(raw, ["", "ISO 2022 IR 159"]), "丂");
  assert.deepEqual([...encodeText("丂", ["", "ISO 2022 IR 159"])], [...raw]);
});

test("G1 returns to value 1's set at a backslash, and for PN at ^ and = (PS3.5 6.1.2.5.3)", () => {
  const cyr = ["", "ISO 2022 IR 144"];
  // After the delimiter 0xB6 is Latin-1 again (the default G1), not Cyrillic.
  assert.equal(decodeText(bytes("\x1b-L\xb6\\\xb6"), cyr, { vr: "LO" }), "Ж\\¶");
  assert.equal(decodeText(bytes("\x1b-L\xb6^\xb6"), cyr, { vr: "PN" }), "Ж^¶");
  assert.equal(decodeText(bytes("\x1b-L\xb6^\xb6"), cyr, { vr: "LO" }), "Ж^Ж");
  // LT holds one value: a backslash there is text, not a delimiter.
  assert.equal(decodeText(bytes("\x1b-L\xb6\\\xb6"), cyr, { vr: "LT" }), "Ж\\Ж");
  // CR, LF, FF and TAB reset every VR.
  for (const ctl of ["\r", "\n", "\f", "\t"]) {
    assert.equal(decodeText(bytes(`\x1b-L\xb6${ctl}\xb6`), cyr, { vr: "LT" }), `Ж${ctl}¶`);
  }
});

test("inside JIS X 0208, bytes equal to ^ = and \\ are halves of kanji, not delimiters", () => {
  // 0x3D5E is 緒 and 0x5C5E is 彌 in JIS X 0208; neither must split the name.
  const raw = bytes("\x1b$B=^\\^\x1b(B");
  const text = decodeText(raw, ["", "ISO 2022 IR 87"], { vr: "PN" });
  assert.equal(text.length, 2);
  assert.ok(!/[\\^=]/.test(text));
  assert.deepEqual([...encodeText(text, ["", "ISO 2022 IR 87"], { vr: "PN" })], [...raw]);
});

test("encoder switches G0 back before delimiters and at the end of the value", () => {
  const out = encodeText("山\\田", ["", "ISO 2022 IR 87"], { vr: "LO" });
  assert.equal(Buffer.from(out).toString("latin1"), "\x1b$B;3\x1b(B\\\x1b$BED\x1b(B");
});

test("unknown terms read as ISO 8859-1 with a recorded warning; sloppy spellings are understood", () => {
  const config = parseSpecificCharacterSet(["ISO_IR 999"]);
  assert.equal(config.warnings.length, 1);
  assert.match(config.warnings[0] as string, /ISO_IR 999/);
  assert.equal(decodeText(bytes("\xe9"), ["ISO_IR 999"]), "é");
  assert.equal(decodeText(bytes("\xb6"), ["ISO_IR144"]), "Ж");
  assert.equal(isCharsetSupported("ISO_IR 999"), false);
  assert.equal(isCharsetSupported("ISO 2022 IR 87"), true);
  assert.equal(isCharsetSupported("GBK"), true);
});

test("Korean without the escape (a common departure): value 2's KS X 1001 is the G1 from the start", () => {
  assert.equal(decodeText(bytes("\xc8\xab"), ["", "ISO 2022 IR 149"]), "홍");
  assert.equal(decodeText(bytes("\xc8\xab"), ["ISO 2022 IR 149"]), "홍");
});

test("malformed input becomes U+FFFD, never an exception", () => {
  assert.equal(decodeText(bytes("\x1b$B;"), ["", "ISO 2022 IR 87"]), "\ufffd"); // half a kanji
  assert.equal(decodeText(bytes("a\x1b%Gb"), ["", "ISO 2022 IR 87"]), "a\ufffdb"); // unknown escape
  assert.equal(decodeText(bytes("a\x1b$"), ["", "ISO 2022 IR 87"]), "a\ufffd"); // truncated escape
  assert.equal(decodeText(bytes("\xff\xfe"), ["ISO_IR 192"]), "\ufffd\ufffd");
  assert.equal(decodeText(bytes("\xa1"), ["", "ISO 2022 IR 149"]), "\ufffd"); // lone lead byte
});

test("ERR_CHARSET_ENCODE names the character and the charset", () => {
  const err = (() => {
    try {
      encodeText("abcЖ", ["ISO_IR 100"]);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(err instanceof CharsetEncodeError);
  assert.ok(err instanceof NetdicomError);
  assert.equal(err.code, "ERR_CHARSET_ENCODE");
  assert.match(err.message, /"Ж" \(U\+0416\).*ISO_IR 100/);
  assert.throws(() => encodeText("\ud800", ["ISO_IR 192"]), { code: "ERR_CHARSET_ENCODE" });
  assert.throws(() => encodeText("😀", ["GBK"]), { code: "ERR_CHARSET_ENCODE" });
  assert.throws(() => encodeText("ש", ["", "ISO 2022 IR 87", "ISO 2022 IR 100"]).length > 0, {
    code: "ERR_CHARSET_ENCODE",
  });
});

/** Every character a single-byte term can encode: ASCII graphics plus the set's upper half. */
function alphabet(term: string): string[] {
  const chars = new Set<string>();
  for (let b = 0x20; b < 0x7f; b++) chars.add(String.fromCharCode(b));
  for (let b = 0xa0; b < 0x100; b++) {
    const s = decodeText(Uint8Array.of(b), [term], { vr: "LO" });
    if (s !== "\ufffd") chars.add(s);
  }
  return [...chars];
}

for (const s of singleByte) {
  test(`${s.term}: any string of its characters round-trips`, () => {
    const unit = fc.constantFrom(...alphabet(s.term));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        assert.equal(decodeText(encodeText(text, [s.term], { vr: "LO" }), [s.term], { vr: "LO" }), text);
      }),
      { numRuns: 200 },
    );
  });
}

test("ISO_IR 192 and GB18030: any Unicode string round-trips", () => {
  // Lone surrogates are not Unicode scalar values; no encoding form can carry them.
  const wellFormed = fc
    .string({ unit: "binary", maxLength: 30 })
    .filter((s) => Buffer.from(s, "utf8").toString("utf8") === s);
  fc.assert(
    fc.property(wellFormed, (text) => {
      assert.equal(decodeText(encodeText(text, ["ISO_IR 192"]), ["ISO_IR 192"]), text);
    }),
    { numRuns: 300 },
  );
  // GB18030 (as the WHATWG encoder implements it) cannot carry some Private Use Area code points,
  // e.g. U+E5E5 and those GB18030-2022 remapped: outside the PUA everything round-trips…
  const outsidePua = wellFormed.filter((s) => !/[\uE000-\uF8FF]/u.test(s));
  fc.assert(
    fc.property(outsidePua, (text) => {
      assert.equal(decodeText(encodeText(text, ["GB18030"]), ["GB18030"]), text);
    }),
    { numRuns: 300 },
  );
  // …and a PUA character either round-trips or is refused with the typed error, never garbled.
  fc.assert(
    fc.property(fc.integer({ min: 0xe000, max: 0xf8ff }), (cp) => {
      const text = String.fromCodePoint(cp);
      try {
        assert.equal(decodeText(encodeText(text, ["GB18030"]), ["GB18030"]), text);
      } catch (e) {
        assert.ok(e instanceof CharsetEncodeError, String(e));
      }
    }),
    { numRuns: 300 },
  );
  assert.throws(() => encodeText("\ue5e5", ["GB18030"]), { code: "ERR_CHARSET_ENCODE" });
});

test("GB18030 encodes the BMP's four-byte range and the supplementary planes", () => {
  assert.equal(toHex(encodeText("\u0080", ["GB18030"])), "81308130");
  assert.equal(toHex(encodeText("\ufffd", ["GB18030"])), "8431a437");
  assert.equal(toHex(encodeText("\u{10000}", ["GB18030"])), "90308130");
  assert.equal(decodeText(hex("0x90 0x30 0x81 0x30 0x81 0x30 0x81 0x30"), ["GB18030"]), "\u{10000}\u0080");
});

test("ISO 2022 Japanese and Korean names round-trip through escape sequences", () => {
  const cases = [
    { charsets: ["", "ISO 2022 IR 87"], chars: "Yamada^Tarou=山田太郎やまだたろうアイウ漢字 " },
    { charsets: ["ISO 2022 IR 13", "ISO 2022 IR 87"], chars: "ﾔﾏﾀﾞﾛｳ^=山田太郎やまだたろうabc" },
    { charsets: ["", "ISO 2022 IR 149"], chars: "Hong^Gildong=洪吉洞홍길동한국어" },
    { charsets: ["", "ISO 2022 IR 58"], chars: "Zhang^XiaoDong=张小东中文" },
    { charsets: ["ISO 2022 IR 100", "ISO 2022 IR 144", "ISO 2022 IR 87"], chars: "Aé^Жж=山\\x" },
  ];
  for (const c of cases) {
    const unit = fc.constantFrom(...c.chars);
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), fc.constantFrom("PN", "LO", "LT"), (text, vr) => {
        assert.equal(decodeText(encodeText(text, c.charsets, { vr }), c.charsets, { vr }), text);
      }),
      { numRuns: 200 },
    );
  }
});

const terms = [
  "",
  "ISO_IR 100",
  "ISO_IR 144",
  "ISO_IR 13",
  "ISO_IR 166",
  "ISO_IR 192",
  "GB18030",
  "GBK",
  "ISO 2022 IR 6",
  "ISO 2022 IR 100",
  "ISO 2022 IR 126",
  "ISO 2022 IR 13",
  "ISO 2022 IR 87",
  "ISO 2022 IR 159",
  "ISO 2022 IR 149",
  "ISO 2022 IR 58",
  "NOT A TERM",
];

test("property: random bytes under random charset lists decode without throwing, quickly", () => {
  const started = performance.now();
  // Bytes biased towards ESC and the escape-sequence alphabet so that set switches really happen.
  const byte = fc.oneof(
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom(0x1b, 0x24, 0x28, 0x29, 0x2d, 0x42, 0x43, 0x5c),
  );
  fc.assert(
    fc.property(
      fc
        .uint8Array({ maxLength: 64 })
        .chain((a) => fc.array(byte, { maxLength: 64 }).map((b) => Uint8Array.from([...a, ...b]))),
      fc.array(fc.constantFrom(...terms), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(undefined, "PN", "LO", "LT", "CS"),
      (raw, charsets, vr) => {
        const s = decodeText(raw, charsets, vr === undefined ? {} : { vr });
        assert.equal(typeof s, "string");
        assert.ok(s.length <= raw.length * 2);
      },
    ),
    { numRuns: 2000 },
  );
  assert.ok(performance.now() - started < 20000, "2000 random decodes took too long");
});

test("fast path: a large ASCII value under any charset comes back unchanged", () => {
  const text = "DOE^JOHN\\".repeat(10000);
  for (const charsets of [[], ["ISO_IR 100"], ["ISO_IR 192"], ["", "ISO 2022 IR 87"], ["GB18030"]]) {
    assert.equal(decodeText(bytes(text), charsets, { vr: "PN" }), text);
  }
});
