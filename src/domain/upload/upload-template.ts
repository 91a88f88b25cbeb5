/**
 * The content of the upload templates (模板): the data sheet (Chinese headers and one example row,
 * marked 示例 so it is skipped if left in) and the instructions sheet. The example row and the notes
 * give the county's own codes (`examples`), or placeholders such as 12 位村代码 when there is no
 * county. Serialised to XLSX or CSV at the edge (functions/routes/templates.ts).
 */
import { uploadColumns, UPLOAD_KIND_LABELS } from './upload-columns.ts';
import type { UploadExamples } from './upload-examples.ts';
import type { UploadKind } from '../access/access.ts';

export interface TemplateContent {
  title: string;
  header: string[];
  example: Array<string | number>;
  instructions: string[][];
}

export function templateContent(kind: UploadKind, examples: UploadExamples): TemplateContent {
  const columns = uploadColumns(examples)[kind];
  const example = columns.map((c) => c.example);
  example[0] = `示例${example[0]}`;
  return {
    title: UPLOAD_KIND_LABELS[kind],
    header: columns.map((c) => c.header),
    example,
    instructions: [
      [`${UPLOAD_KIND_LABELS[kind]} 填写说明`, '', '', ''],
      ['1. 在“填写”表中从第 3 行起每行填一条；第 2 行是示例（以“示例”开头的行上传时自动跳过），可以删除或直接覆盖。', '', '', ''],
      ['2. 不要修改、删除或合并表头；不要合并单元格；金额一律以“元”为单位，日期写成 2025-03-10。', '', '', ''],
      ['3. 单元格不要以 = + - @ 开头，不要填网页标记。上传后系统会逐行检查，所有问题一次列出；有任何问题则整份文件都不写入。', '', '', ''],
      ['4. 可以先“只检查不保存”（试运行）；同一文件重复上传不会重复记录。CSV 请存为 UTF-8 或 GB18030（Excel 默认）编码。', '', '', ''],
      ['', '', '', ''],
      ['列名', '是否必填', '说明', '示例'],
      ...columns.map((c) => [c.header, c.required ? '必填' : '可空', c.note, String(c.example)]),
    ],
  };
}

/** RFC 4180 CSV with a UTF-8 BOM (so Excel opens the Chinese headers correctly). */
export function templateCsv(kind: UploadKind, examples: UploadExamples): string {
  const t = templateContent(kind, examples);
  const line = (cells: ReadonlyArray<string | number>) => cells.map((c) => csvCell(String(c))).join(',');
  return `\uFEFF${line(t.header)}\r\n${line(t.example)}\r\n`;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
