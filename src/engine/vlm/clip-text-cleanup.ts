/**
 * CLIP's text cleanup before BPE, without the ftfy dependency.
 *
 * The original tokenizer (openai/CLIP, copied into open_clip) runs
 * `ftfy.fix_text`, `html.unescape` twice, collapses whitespace and lowercases.
 * This module reproduces the parts of ftfy 6.x's default fixes that change
 * ordinary text: NFC normalization, straight quotes for curly ones, Latin
 * ligatures split into letters, fullwidth forms mapped to ASCII, and control
 * characters removed.
 *
 * NOTE: ftfy's mojibake repair (for example "cafÃ©" back to "café") is not
 * reproduced, so such broken text tokenizes differently from the original.
 */

const HTML_NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
  copy: '\u00a9',
  reg: '\u00ae',
  deg: '\u00b0',
};

// ftfy's uncurl_quotes: U+02BC and U+2018..U+201B become "'", U+201C..U+201F become '"'.
const SINGLE_QUOTES = /[\u02bc\u2018-\u201b]/g;
const DOUBLE_QUOTES = /[\u201c-\u201f]/g;

// ftfy's fix_latin_ligatures table.
const LIGATURES: Record<string, string> = {
  '\u0132': 'IJ',
  '\u0133': 'ij',
  '\u0149': "\u02bcn",
  '\u01c4': 'D\u017d',
  '\u01c5': 'D\u017e',
  '\u01c6': 'd\u017e',
  '\u01c7': 'LJ',
  '\u01c8': 'Lj',
  '\u01c9': 'lj',
  '\u01ca': 'NJ',
  '\u01cb': 'Nj',
  '\u01cc': 'nj',
  '\u01f1': 'DZ',
  '\u01f2': 'Dz',
  '\u01f3': 'dz',
  '\ufb00': 'ff',
  '\ufb01': 'fi',
  '\ufb02': 'fl',
  '\ufb03': 'ffi',
  '\ufb04': 'ffl',
  '\ufb05': '\u017ft',
  '\ufb06': 'st',
};
const LIGATURE_PATTERN = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');

// ftfy's fix_character_width: the ideographic space and the halfwidth/fullwidth block, through NFKC.
const WIDE_CHARACTERS = /[\u3000\uff01-\uffef]/g;

// ftfy's remove_control_chars keeps tab, newline and carriage return; whitespace cleanup handles those.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f\u200b\ufeff\ufff9-\ufffc]/g;

/** Replace HTML character references the way Python's html.unescape does for the common cases. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (match, body: string) => {
    if (body.startsWith('#')) {
      const codePoint = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
    }
    return HTML_NAMED_ENTITIES[body] ?? match;
  });
}

/** Apply the ftfy fixes listed in the module comment. */
export function fixText(text: string): string {
  let fixed = text.normalize('NFC');
  fixed = fixed.replace(CONTROL_CHARACTERS, '');
  fixed = fixed.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"');
  fixed = fixed.replace(LIGATURE_PATTERN, (ligature) => LIGATURES[ligature] ?? ligature);
  fixed = fixed.replace(WIDE_CHARACTERS, (wide) => wide.normalize('NFKC'));
  return fixed;
}

/** Clean a text exactly as CLIP's tokenizer does before splitting it: fix, unescape, collapse whitespace, lowercase. */
export function cleanClipText(text: string): string {
  let cleaned = fixText(text);
  cleaned = unescapeHtml(unescapeHtml(cleaned)).trim();
  cleaned = cleaned.replace(/\s+/gu, ' ').trim();
  return cleaned.toLowerCase();
}
