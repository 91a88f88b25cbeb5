/**
 * Cutting an OpenType font down to some characters with HarfBuzz's subsetter (`harfbuzzjs`'s
 * `harfbuzz-subset.wasm`, MIT), called directly through its C API. The module is given compiled:
 * Node compiles it from the package's file ({@link nodeFontSubsetter}, src/posters/fonts.ts); the
 * Worker imports it as a compiled module (functions/worker-pages.ts), since workerd refuses to
 * compile WebAssembly from bytes at run time. Runs anywhere: no Node modules here.
 *
 * @example
 * const subsetter = await openFontSubsetter(module);
 * const small = subsetter.subset(originalOtf, '村上墙 0123456789'); // an OpenType font of those glyphs
 */

/** The exports of harfbuzz-subset.wasm used here (pointers and handles are wasm addresses). */
interface HarfBuzz {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, lengthOut: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
}

/** HB_MEMORY_MODE_READONLY: HarfBuzz reads the font where it was copied, without a copy of its own. */
const READONLY = 1;

export class FontSubsetError extends Error {
  override name = 'FontSubsetError';
}

export interface FontSubsetter {
  /** An OpenType font with only the glyphs of `text`'s characters (and what they need). */
  subset(font: Uint8Array, text: string): Uint8Array;
}

/**
 * Instantiates the subsetter. Each call of `subset` copies the font into the module's memory and
 * frees it afterwards; the memory keeps its largest size (about twice the largest font) until the
 * subsetter is dropped, so a caller short of memory drops it after a batch.
 */
export async function openFontSubsetter(module: WebAssembly.Module): Promise<FontSubsetter> {
  const instance = await WebAssembly.instantiate(module, {});
  const hb = instance.exports as unknown as HarfBuzz;
  hb._initialize();
  return {
    subset(font, text) {
      const input = hb.hb_subset_input_create_or_fail();
      if (input === 0) throw new FontSubsetError('HarfBuzz could not start a subset (out of memory?)');
      const data = hb.malloc(font.byteLength);
      let face = 0;
      let subset = 0;
      let blob = 0;
      try {
        if (data === 0) throw new FontSubsetError(`HarfBuzz could not take a font of ${font.byteLength} bytes (out of memory)`);
        // Memory may have grown (and old views detached): take the view after malloc.
        new Uint8Array(hb.memory.buffer, data, font.byteLength).set(font);
        const source = hb.hb_blob_create(data, font.byteLength, READONLY, 0, 0);
        face = hb.hb_face_create(source, 0);
        hb.hb_blob_destroy(source);
        const unicodes = hb.hb_subset_input_unicode_set(input);
        for (const ch of text) hb.hb_set_add(unicodes, ch.codePointAt(0)!);
        subset = hb.hb_subset_or_fail(face, input);
        if (subset === 0) throw new FontSubsetError('HarfBuzz could not subset the font (is it an OpenType font?)');
        blob = hb.hb_face_reference_blob(subset);
        const length = hb.hb_blob_get_length(blob);
        if (length === 0) throw new FontSubsetError('HarfBuzz made an empty subset (is the font damaged?)');
        const at = hb.hb_blob_get_data(blob, 0);
        return new Uint8Array(hb.memory.buffer, at, length).slice();
      } finally {
        if (blob) hb.hb_blob_destroy(blob);
        if (subset) hb.hb_face_destroy(subset);
        if (face) hb.hb_face_destroy(face);
        if (data) hb.free(data);
        hb.hb_subset_input_destroy(input);
      }
    },
  };
}
