/** RFC 4180 CSV with formula-safe text cells (src/metrics/csv.ts, docs/metrics.md#csv). */
import { describe, expect, it } from 'vitest';
import { csvDocument, csvField } from '../../../src/metrics/csv.js';

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
  ])('makes %j inert: %s', (text, expected) => {
    expect(csvField(text)).toBe(expected);
  });

  it('quotes commas, quotes and line breaks, and leaves plain text alone', () => {
    expect(csvField('Ada Agent')).toBe('Ada Agent');
    expect(csvField('Agent, Ada')).toBe('"Agent, Ada"');
    expect(csvField('Ada "the" Agent')).toBe('"Ada ""the"" Agent"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('')).toBe('');
  });

  it('writes numbers as numbers, negative ones too, and nothing as an empty cell', () => {
    expect(csvField(-30)).toBe('-30');
    expect(csvField(0.8333)).toBe('0.8333');
    expect(csvField(null)).toBe('');
    expect(() => csvField(Number.NaN)).toThrow('finite');
  });
});

describe('csvDocument', () => {
  it('is a header and one CRLF-ended line per row', () => {
    expect(csvDocument(['agentId', 'name'], [[7, '=1'], [8, 'Bo']])).toBe("agentId,name\r\n7,'=1\r\n8,Bo\r\n");
  });

  it('refuses a row whose width is not the header\'s', () => {
    expect(() => csvDocument(['a', 'b'], [[1]])).toThrow('CSV row 1 has 1 cells, the header 2');
  });
});
