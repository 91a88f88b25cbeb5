/**
 * The CFF outlines of a run's subset font, ready to embed in a PDF as `CIDFontType0C`, with only the
 * glyphs one PDF prints. The run's font is parsed once; each PDF then gets a copy in which every
 * other glyph's charstring is an empty `endchar` (and unused subroutines an empty `return`), so glyph
 * ids stay those of the run's font and nothing else needs renumbering. This replaces a harfbuzz
 * subset per PDF (about 6 ms per weight) with array copies (well under 1 ms).
 *
 * The charset is rewritten as the identity, so in the PDF a CID is the glyph id.
 */

/** An OpenType font's `CFF ` table, cut into the parts a copy is assembled from. */
export interface CffFont {
  glyphCount: number;
  /** PostScript name from the Name INDEX. */
  name: string;
  header: Uint8Array;
  nameIndex: Uint8Array;
  stringIndex: Uint8Array;
  topDict: DictEntry[];
  globalSubrs: Uint8Array[];
  fdSelect: Uint8Array;
  fonts: Array<{ dict: DictEntry[]; privateDict: DictEntry[]; subrs: Uint8Array[] }>;
  charStrings: Uint8Array[];
  /** Per glyph: the global and local subroutines it calls, directly or not (filled lazily). */
  calls: Array<{ global: number[]; local: number[] } | undefined>;
  /** Per glyph: its font DICT (index into `fonts`). */
  fdOf: Uint8Array;
}

interface DictEntry {
  op: number;
  /** Operand bytes as found (reals are kept exactly). */
  raw: Uint8Array;
  values: number[];
}

const OP = { charset: 15, charStrings: 17, private: 18, subrs: 19, ros: 1230, fdArray: 1236, fdSelect: 1237 } as const;

/** Finds a table in an OpenType (sfnt) font. */
export function sfntTable(font: Uint8Array, tag: string): Uint8Array {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const count = view.getUint16(4);
  for (let i = 0; i < count; i++) {
    const record = 12 + i * 16;
    if (String.fromCharCode(font[record]!, font[record + 1]!, font[record + 2]!, font[record + 3]!) === tag) {
      const offset = view.getUint32(record + 8);
      return font.subarray(offset, offset + view.getUint32(record + 12));
    }
  }
  throw new Error(`font has no '${tag}' table`);
}

function readIndex(data: Uint8Array, at: number): { items: Uint8Array[]; end: number } {
  const count = (data[at]! << 8) | data[at + 1]!;
  if (count === 0) return { items: [], end: at + 2 };
  const offSize = data[at + 2]!;
  const offset = (i: number) => {
    let v = 0;
    for (let b = 0; b < offSize; b++) v = v * 256 + data[at + 3 + i * offSize + b]!;
    return v;
  };
  const base = at + 2 + (count + 1) * offSize;
  const items: Uint8Array[] = [];
  for (let i = 0; i < count; i++) items.push(data.subarray(base + offset(i), base + offset(i + 1)));
  return { items, end: base + offset(count) };
}

function readDict(data: Uint8Array): DictEntry[] {
  const entries: DictEntry[] = [];
  let start = 0;
  let values: number[] = [];
  for (let i = 0; i < data.length; ) {
    const b = data[i]!;
    if (b <= 21) {
      const op = b === 12 ? 1200 + data[i + 1]! : b;
      entries.push({ op, raw: data.subarray(start, i), values });
      i += b === 12 ? 2 : 1;
      start = i;
      values = [];
    } else if (b === 28) {
      values.push(((data[i + 1]! << 24) | (data[i + 2]! << 16)) >> 16);
      i += 3;
    } else if (b === 29) {
      values.push((data[i + 1]! << 24) | (data[i + 2]! << 16) | (data[i + 3]! << 8) | data[i + 4]!);
      i += 5;
    } else if (b === 30) {
      // A real: only ever a scale or blue value here, never an offset, so its bytes are kept as they are.
      i++;
      while (i < data.length && (data[i]! & 0x0f) !== 0x0f && (data[i]! & 0xf0) !== 0xf0) i++;
      i++;
      values.push(NaN);
    } else if (b >= 32 && b <= 246) {
      values.push(b - 139);
      i++;
    } else if (b >= 247 && b <= 250) {
      values.push((b - 247) * 256 + data[i + 1]! + 108);
      i += 2;
    } else if (b >= 251 && b <= 254) {
      values.push(-(b - 251) * 256 - data[i + 1]! - 108);
      i += 2;
    } else {
      throw new Error(`CFF DICT: unexpected byte ${b}`);
    }
  }
  return entries;
}

const get = (dict: DictEntry[], op: number) => dict.find((e) => e.op === op)?.values;

/** Parses the `CFF ` table of an OpenType font (CID-keyed, as Source Han Sans and its subsets are). */
export function openCff(otf: Uint8Array): CffFont {
  const data = sfntTable(otf, 'CFF ');
  const header = data.subarray(0, data[2]!);
  const names = readIndex(data, header.length);
  const tops = readIndex(data, names.end);
  const strings = readIndex(data, tops.end);
  const gsubrs = readIndex(data, strings.end);
  const topDict = readDict(tops.items[0]!);
  if (!get(topDict, OP.ros)) throw new Error('CFF font is not CID-keyed');
  // Offsets this module does not rewrite must not be there (CID-keyed fonts have neither).
  if (get(topDict, 16) || get(topDict, OP.private)) throw new Error('CFF Top DICT has an Encoding or a Private DICT');
  const charStrings = readIndex(data, get(topDict, OP.charStrings)![0]!).items;
  const glyphCount = charStrings.length;
  const fdSelectAt = get(topDict, OP.fdSelect)![0]!;
  const fdOf = new Uint8Array(glyphCount);
  let fdSelectEnd: number;
  if (data[fdSelectAt] === 0) {
    fdOf.set(data.subarray(fdSelectAt + 1, fdSelectAt + 1 + glyphCount));
    fdSelectEnd = fdSelectAt + 1 + glyphCount;
  } else if (data[fdSelectAt] === 3) {
    const ranges = (data[fdSelectAt + 1]! << 8) | data[fdSelectAt + 2]!;
    const first = (r: number) => (data[fdSelectAt + 3 + r * 3]! << 8) | data[fdSelectAt + 4 + r * 3]!;
    for (let r = 0; r < ranges; r++) fdOf.fill(data[fdSelectAt + 5 + r * 3]!, first(r), first(r + 1));
    fdSelectEnd = fdSelectAt + 3 + ranges * 3 + 2;
  } else {
    throw new Error(`CFF FDSelect format ${data[fdSelectAt]} is not supported`);
  }
  const fonts = readIndex(data, get(topDict, OP.fdArray)![0]!).items.map((bytes) => {
    const dict = readDict(bytes);
    const [size, offset] = get(dict, OP.private)!;
    const privateDict = readDict(data.subarray(offset!, offset! + size!));
    const subrsAt = get(privateDict, OP.subrs)?.[0];
    return { dict, privateDict, subrs: subrsAt === undefined ? [] : readIndex(data, offset! + subrsAt).items };
  });
  return {
    glyphCount,
    name: new TextDecoder('latin1').decode(names.items[0]),
    header,
    nameIndex: data.subarray(header.length, names.end),
    stringIndex: data.subarray(tops.end, strings.end),
    topDict,
    globalSubrs: gsubrs.items,
    fdSelect: data.subarray(fdSelectAt, fdSelectEnd),
    fonts,
    charStrings,
    calls: new Array(glyphCount),
    fdOf,
  };
}

const bias = (count: number) => (count < 1240 ? 107 : count < 33900 ? 1131 : 32768);

/**
 * The subroutines a glyph calls, found by walking its Type 2 charstring: operands are tracked only
 * as far as needed to know the index before each call, and stem hints are counted so the mask
 * bytes after `hintmask` and `cntrmask` are skipped.
 */
function subroutineCalls(cff: CffFont, gid: number): { global: number[]; local: number[] } {
  const known = cff.calls[gid];
  if (known) return known;
  const local = cff.fonts[cff.fdOf[gid]!]!.subrs;
  const globalSet = new Set<number>();
  const localSet = new Set<number>();
  const stack: number[] = [];
  let stems = 0;
  let done = false;
  const run = (code: Uint8Array, depth: number) => {
    if (depth > 10) throw new Error(`CFF glyph ${gid}: subroutines nested too deeply`);
    for (let i = 0; i < code.length && !done; ) {
      const b = code[i]!;
      if (b >= 32) {
        if (b <= 246) {
          stack.push(b - 139);
          i++;
        } else if (b <= 250) {
          stack.push((b - 247) * 256 + code[i + 1]! + 108);
          i += 2;
        } else if (b <= 254) {
          stack.push(-(b - 251) * 256 - code[i + 1]! - 108);
          i += 2;
        } else {
          stack.push(((code[i + 1]! << 24) | (code[i + 2]! << 16) | (code[i + 3]! << 8) | code[i + 4]!) / 65536);
          i += 5;
        }
        continue;
      }
      i++;
      switch (b) {
        case 28:
          stack.push(((code[i]! << 24) | (code[i + 1]! << 16)) >> 16);
          i += 2;
          break;
        case 1: // hstem
        case 3: // vstem
        case 18: // hstemhm
        case 23: // vstemhm
          stems += stack.length >> 1;
          stack.length = 0;
          break;
        case 19: // hintmask
        case 20: // cntrmask
          stems += stack.length >> 1; // pending pairs are an implicit vstem
          stack.length = 0;
          i += (stems + 7) >> 3;
          break;
        case 10: {
          // callsubr
          const index = stack.pop()! + bias(local.length);
          localSet.add(index);
          run(local[index]!, depth + 1);
          break;
        }
        case 29: {
          // callgsubr
          const index = stack.pop()! + bias(cff.globalSubrs.length);
          globalSet.add(index);
          run(cff.globalSubrs[index]!, depth + 1);
          break;
        }
        case 11: // return
          return;
        case 14: // endchar
          done = true;
          return;
        case 12:
          i++; // two-byte operators (flex, arithmetic) take no subroutine index
          stack.length = 0;
          break;
        default:
          stack.length = 0;
      }
    }
  };
  run(cff.charStrings[gid]!, 0);
  const calls = { global: [...globalSet], local: [...localSet] };
  cff.calls[gid] = calls;
  return calls;
}

function writeIndex(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return new Uint8Array(2);
  let total = 0;
  for (const item of items) total += item.length;
  const offSize = total + 1 < 0x100 ? 1 : total + 1 < 0x10000 ? 2 : total + 1 < 0x1000000 ? 3 : 4;
  const base = 3 + (items.length + 1) * offSize;
  const out = new Uint8Array(base + total);
  out[0] = items.length >> 8;
  out[1] = items.length & 0xff;
  out[2] = offSize;
  let offset = 1;
  let at = base;
  const writeOffset = (i: number, v: number) => {
    for (let b = offSize - 1; b >= 0; b--) {
      out[3 + i * offSize + b] = v & 0xff;
      v = Math.floor(v / 256);
    }
  };
  items.forEach((item, i) => {
    writeOffset(i, offset);
    out.set(item, at);
    at += item.length;
    offset += item.length;
  });
  writeOffset(items.length, offset);
  return out;
}

/** A DICT with the given operators' operands replaced by fixed-width (5-byte) integers. */
function writeDict(dict: readonly DictEntry[], replace: ReadonlyMap<number, number[]>): Uint8Array {
  const parts: number[] = [];
  for (const entry of dict) {
    const values = replace.get(entry.op);
    if (values) {
      for (const v of values) parts.push(29, (v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    } else {
      for (const b of entry.raw) parts.push(b);
    }
    if (entry.op >= 1200) parts.push(12, entry.op - 1200);
    else parts.push(entry.op);
  }
  return Uint8Array.from(parts);
}

const ENDCHAR = Uint8Array.of(14);
const RETURN = Uint8Array.of(11);

/**
 * A CFF font program with the outlines of `glyphs` only (glyph 0, .notdef, is always kept). Glyph ids
 * are unchanged; the charset is the identity, so CID = glyph id.
 */
export function cffWithGlyphs(cff: CffFont, glyphs: Iterable<number>): Uint8Array {
  const keep = new Set(glyphs);
  keep.add(0);
  const globalUsed = new Set<number>();
  const localUsed = cff.fonts.map(() => new Set<number>());
  for (const gid of keep) {
    if (gid >= cff.glyphCount) throw new Error(`CFF font has no glyph ${gid}`);
    const calls = subroutineCalls(cff, gid);
    for (const s of calls.global) globalUsed.add(s);
    for (const s of calls.local) localUsed[cff.fdOf[gid]!]!.add(s);
  }
  const charStrings = writeIndex(cff.charStrings.map((cs, gid) => (keep.has(gid) ? cs : ENDCHAR)));
  const globalSubrs = writeIndex(cff.globalSubrs.map((s, i) => (globalUsed.has(i) ? s : RETURN)));
  const charset = cff.glyphCount > 1 ? Uint8Array.of(2, 0, 1, (cff.glyphCount - 2) >> 8, (cff.glyphCount - 2) & 0xff) : new Uint8Array(0);
  // Every Private DICT followed by its local subroutines (Subrs is relative to its Private DICT).
  const privates = cff.fonts.map((fd, f) => {
    const subrs = writeIndex(fd.subrs.map((s, i) => (localUsed[f]!.has(i) ? s : RETURN)));
    const hasSubrs = fd.subrs.length > 0;
    const probe = writeDict(fd.privateDict, new Map(hasSubrs ? [[OP.subrs, [0]]] : []));
    const dict = hasSubrs ? writeDict(fd.privateDict, new Map([[OP.subrs, [probe.length]]])) : probe;
    return { dict, subrs: hasSubrs ? subrs : new Uint8Array(0) };
  });
  // Sizes first (all offsets are fixed-width, so sizes do not depend on offset values).
  const topProbe = writeIndex([writeDict(cff.topDict, new Map([[OP.charset, [0]], [OP.charStrings, [0]], [OP.fdArray, [0]], [OP.fdSelect, [0]]]))]);
  const fdArrayProbe = writeIndex(cff.fonts.map((fd) => writeDict(fd.dict, new Map([[OP.private, [0, 0]]]))));
  let at = cff.header.length + cff.nameIndex.length + topProbe.length + cff.stringIndex.length + globalSubrs.length;
  const charsetAt = at;
  at += charset.length;
  const fdSelectAt = at;
  at += cff.fdSelect.length;
  const fdArrayAt = at;
  at += fdArrayProbe.length;
  const privateAt: number[] = [];
  for (const p of privates) {
    privateAt.push(at);
    at += p.dict.length + p.subrs.length;
  }
  const charStringsAt = at;
  const top = writeIndex([
    writeDict(
      cff.topDict,
      new Map([
        [OP.charset, [charsetAt]],
        [OP.charStrings, [charStringsAt]],
        [OP.fdArray, [fdArrayAt]],
        [OP.fdSelect, [fdSelectAt]],
      ]),
    ),
  ]);
  const fdArray = writeIndex(cff.fonts.map((fd, f) => writeDict(fd.dict, new Map([[OP.private, [privates[f]!.dict.length, privateAt[f]!]]]))));
  const parts = [cff.header, cff.nameIndex, top, cff.stringIndex, globalSubrs, charset, cff.fdSelect, fdArray, ...privates.flatMap((p) => [p.dict, p.subrs]), charStrings];
  const out = new Uint8Array(at + charStrings.length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
