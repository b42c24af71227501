/**
 * The width of text in a terminal, for yargs' help layout: the bundle puts this module in place
 * of the string-width package (scripts/bundle.mjs). string-width builds a Unicode emoji regex
 * when it is loaded (about 20 ms, a tenth of a small run's start-up) although sigmantic's help
 * text is ASCII; here ASCII is measured directly and the Unicode classes are built on first need.
 * Other text as string-width measures it: per grapheme, zero for control, format and combining
 * characters, two for emoji, else the East Asian width of the first code point.
 */
import { stripVTControlCharacters } from 'node:util';
import { eastAsianWidth } from 'get-east-asian-width';

interface Options {
  readonly ambiguousIsNarrow?: boolean;
  readonly countAnsiEscapeCodes?: boolean;
}

let unicode: { segmenter: Intl.Segmenter; zeroWidth: RegExp; emoji: RegExp } | undefined;

export default function stringWidth(text: string, options: Options = {}): number {
  if (typeof text !== 'string' || text === '') return 0;
  const s = options.countAnsiEscapeCodes ? text : stripVTControlCharacters(text);
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  unicode ??= {
    segmenter: new Intl.Segmenter(),
    zeroWidth:
      /^[\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]+$/u,
    emoji: new RegExp('^\\p{RGI_Emoji}$', 'v'),
  };
  const ambiguousAsWide = options.ambiguousIsNarrow === false;
  let width = 0;
  for (const { segment } of unicode.segmenter.segment(s)) {
    if (unicode.zeroWidth.test(segment)) continue;
    if (unicode.emoji.test(segment)) width += 2;
    else width += eastAsianWidth(segment.codePointAt(0)!, { ambiguousAsWide });
  }
  return width;
}
