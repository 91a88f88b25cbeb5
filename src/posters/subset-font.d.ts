/** Types for `subset-font` (harfbuzz subsetting), which ships none. */
declare module 'subset-font' {
  interface SubsetOptions {
    targetFormat?: 'sfnt' | 'woff' | 'woff2' | 'truetype';
    preserveNameIds?: number[];
    variationAxes?: Record<string, number | { min: number; max: number; default?: number }>;
  }
  export default function subsetFont(font: Uint8Array | Buffer, text: string, options?: SubsetOptions): Promise<Buffer>;
}
