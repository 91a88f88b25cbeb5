/** The QR code printed on a poster, as a plain matrix the layout can draw as squares. */
import QRCode from 'qrcode';

/**
 * Dark (true) and light modules of the QR code for `text`, row by row, without the quiet zone
 * (the layout keeps four modules of white around it). Error correction M survives a creased or
 * slightly dirty notice-board print while keeping modules large.
 */
export function qrModules(text: string): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const rows: boolean[][] = [];
  for (let r = 0; r < modules.size; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < modules.size; c++) row.push(modules.get(r, c) === 1 || (modules.get(r, c) as unknown) === true);
    rows.push(row);
  }
  return rows;
}
