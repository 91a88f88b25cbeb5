/**
 * A minimal PDF 1.7 file writer: numbered objects, deflated streams, a classic cross-reference
 * table. Enough for posters (pages, fonts, an info dictionary) and nothing else; the caller writes
 * the dictionaries as PDF syntax.
 */
import { deflateSync } from 'node:zlib';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

/**
 * A PDF text string (document title, author…) as UTF-16BE hex with a byte-order mark, which every
 * reader decodes and which needs no escaping.
 */
export function pdfText(text: string): string {
  let hex = '<FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return `${hex}>`;
}

/** A number as PDF writes it: at most two decimals, no exponent, no trailing zeros. */
export function pdfNumber(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

export class PdfWriter {
  private readonly parts: Uint8Array[] = [latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  private length = this.parts[0]!.length;
  private readonly offsets: number[] = [];
  private next = 1;

  /** Reserves an object number, so objects can refer to each other before they are written. */
  reserve(): number {
    return this.next++;
  }

  private push(bytes: Uint8Array) {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  /** Writes object `id` (from {@link reserve}) whose body is PDF syntax, e.g. `<< /Type /Page … >>`. */
  object(id: number, body: string): void {
    this.offsets[id] = this.length;
    this.push(latin1(`${id} 0 obj\n${body}\nendobj\n`));
  }

  /** Writes a stream object, deflated unless `level` is 0; `dict` holds any entries besides /Length and /Filter. */
  stream(id: number, data: Uint8Array, dict = '', level = 6): void {
    const body = level === 0 ? data : deflateSync(data, { level });
    this.offsets[id] = this.length;
    this.push(latin1(`${id} 0 obj\n<<${dict}${level === 0 ? '' : ' /Filter /FlateDecode'} /Length ${body.length}>>\nstream\n`));
    this.push(body);
    this.push(latin1('\nendstream\nendobj\n'));
  }

  /** The whole file, with the cross-reference table and a trailer naming the catalogue and info. */
  finish(root: number, info: number): Uint8Array {
    const xrefAt = this.length;
    let xref = `xref\n0 ${this.next}\n0000000000 65535 f \n`;
    for (let id = 1; id < this.next; id++) {
      const offset = this.offsets[id];
      if (offset === undefined) throw new Error(`PDF object ${id} was reserved but never written`);
      xref += `${String(offset).padStart(10, '0')} 00000 n \n`;
    }
    this.push(latin1(`${xref}trailer\n<< /Size ${this.next} /Root ${root} 0 R /Info ${info} 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`));
    return Buffer.concat(this.parts, this.length);
  }
}
