/**
 * Builds an XLSX file from hand-written XML parts, so a test can say exactly what a spreadsheet
 * program saved: a date as a serial number with a date format, a hidden row, a cell at the sheet's
 * far corner, merged cells. A plain ZIP with stored entries and correct CRC-32s, which every reader
 * (ours, read-excel-file, Excel) opens.
 */
import { crc32 } from 'node:zlib';
import { columnLetters } from '../../src/domain/upload/xlsx-scan.ts';
import { concatBytes } from '../../src/domain/shared/bytes.ts';

const enc = new TextEncoder();

/** A ZIP archive of the given files, stored (not compressed). */
export function zipStored(files: ReadonlyArray<readonly [string, string | Uint8Array]>): Uint8Array {
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [path, content] of files) {
    const name = enc.encode(path);
    const data = typeof content === 'string' ? enc.encode(content) : content;
    const crc = crc32(data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, 0x0800, true); // names in UTF-8
    local.setUint32(14, crc, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, name.length, true);
    locals.push(new Uint8Array(local.buffer), name, data);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(4, 20, true);
    dir.setUint16(6, 20, true);
    dir.setUint16(8, 0x0800, true);
    dir.setUint32(16, crc, true);
    dir.setUint32(20, data.length, true);
    dir.setUint32(24, data.length, true);
    dir.setUint16(28, name.length, true);
    dir.setUint32(42, offset, true);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + data.length;
  }
  const dirSize = central.reduce((n, p) => n + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, dirSize, true);
  end.setUint32(16, offset, true);
  return concatBytes([...locals, ...central, new Uint8Array(end.buffer)]);
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A column letter for a 0-based index: 0 → A, 26 → AA. */
export const columnName = (index: number): string => columnLetters(index + 1);

/** One cell as the sheet XML writes it: text as an inline string, numbers as numbers. */
export function cellXml(ref: string, value: string | number | boolean, style?: number): string {
  const s = style === undefined ? '' : ` s="${style}"`;
  if (typeof value === 'number') return `<c r="${ref}"${s}><v>${value}</v></c>`;
  if (typeof value === 'boolean') return `<c r="${ref}"${s} t="b"><v>${value ? 1 : 0}</v></c>`;
  return `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
}

/** The `<row>` of 1-based row `r` with its cells from column A on (null leaves a cell out). */
export function rowXml(r: number, cells: ReadonlyArray<string | number | boolean | null>, attrs = ''): string {
  const inner = cells.map((v, i) => (v === null ? '' : cellXml(`${columnName(i)}${r}`, v))).join('');
  return `<row r="${r}"${attrs}>${inner}</row>`;
}

export interface SheetParts {
  /** The inside of `<sheetData>`. */
  sheetData: string;
  /** XML after `</sheetData>` (e.g. `<mergeCells>`), and before it (e.g. `<dimension>`, `<cols>`). */
  after?: string;
  before?: string;
  /** `<numFmts>` and `<cellXfs>` of styles.xml; style 0 is General. */
  numFmts?: string;
  cellXfs?: string;
  /** Shared strings (xl/sharedStrings.xml), as Excel and WPS save text; see `sharedRows`. */
  sharedStrings?: readonly string[];
}

/**
 * Rows as Excel saves them: text as shared strings (`t="s"`), numbers as `<v>`, from row `first` on.
 * Returns the sheet data and the strings, for `xlsxFromParts`.
 */
export function sharedRows(rows: ReadonlyArray<ReadonlyArray<string | number | null>>, first = 1, strings: string[] = []): { sheetData: string; sharedStrings: string[] } {
  const index = new Map(strings.map((t, i) => [t, i]));
  const sheetData = rows
    .map((cells, i) => {
      const r = first + i;
      const inner = cells
        .map((v, j) => {
          if (v === null) return '';
          const ref = `${columnName(j)}${r}`;
          if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
          let k = index.get(v);
          if (k === undefined) {
            k = strings.push(v) - 1;
            index.set(v, k);
          }
          return `<c r="${ref}" t="s"><v>${k}</v></c>`;
        })
        .join('');
      return `<row r="${r}">${inner}</row>`;
    })
    .join('');
  return { sheetData, sharedStrings: strings };
}

/** A one-sheet workbook from its parts. */
export function xlsxFromParts(parts: SheetParts): Uint8Array {
  return zipStored([
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'],
    ['xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'],
    ['xl/_rels/workbook.xml.rels', `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>${parts.sharedStrings ? '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' : ''}</Relationships>`],
    ...(parts.sharedStrings
      ? ([['xl/sharedStrings.xml', `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${parts.sharedStrings.length}" uniqueCount="${parts.sharedStrings.length}">${parts.sharedStrings.map((t) => `<si><t xml:space="preserve">${escapeXml(t)}</t></si>`).join('')}</sst>`]] as const)
      : []),
    ['xl/styles.xml', `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${parts.numFmts ?? ''}${parts.cellXfs ?? '<cellXfs count="1"><xf numFmtId="0"/></cellXfs>'}</styleSheet>`],
    ['xl/worksheets/sheet1.xml', `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${parts.before ?? ''}<sheetData>${parts.sheetData}</sheetData>${parts.after ?? ''}</worksheet>`],
  ]);
}
