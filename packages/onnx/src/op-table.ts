/**
 * The README's table of supported ops, generated from the exporters and
 * importers themselves.
 * @module
 */
import { EXPORT_FORMS } from './export-ops.js';
import { IMPORT_OPSETS } from './import.js';
import { IMPORT_NOTES, IMPORTERS } from './import-ops.js';
import { OPSETS } from './export.js';

/** The markdown tables of what exports and what imports. */
export function opTableMarkdown(): string {
  const exports = Object.entries(EXPORT_FORMS).sort(([a], [b]) => a.localeCompare(b));
  const imports = Object.keys(IMPORTERS).sort();
  return [
    `Export writes opsets ${OPSETS.min} to ${OPSETS.max} (default ${OPSETS.default}). ${exports.length} nn ops map to ONNX; every other op with a composite form exports through it, and the recurrent layers (RNN, LSTM, GRU) export as whole ONNX nodes.`,
    '',
    '| nn op | ONNX |',
    '|---|---|',
    ...exports.map(([op, form]) => `| \`${op}\` | ${form} |`),
    '',
    `Import reads opsets ${IMPORT_OPSETS.min} to ${IMPORT_OPSETS.max} of the default domain: ${imports.length} ONNX ops.`,
    '',
    '| ONNX op | notes |',
    '|---|---|',
    ...imports.map((op) => `| ${op} | ${IMPORT_NOTES[op] ?? ''} |`),
  ].join('\n');
}
