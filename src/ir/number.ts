/**
 * The one written meaning of a Sigma number against a field (docs/testing-rules.md, "Value
 * types"): a number N matches a numeric value equal to N, or a text value whose whole text is N's
 * canonical decimal spelling, the way Windows event XML, Sysmon, JSON logs and the SIEMs write
 * numbers (`4688`, `-1`, `1.5`). `04688`, `4688.0`, `+4688`, ` 4688`, `0x1250` are other texts.
 */
import type { NumberValue } from './types.js';

const DECIMAL = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/;

/**
 * The canonical decimal spelling of a number as written (`+04688.50e1` -> `46885`): no sign but
 * `-`, no leading zeros, no exponent, a fraction only when it is not zero, without trailing
 * zeros; `-0` is `0`. Worked on the digits, so a long integer keeps every digit. A text that is
 * not a decimal number (none reaches the IR) falls back to JavaScript's spelling of the value.
 */
export function canonicalNumber(n: NumberValue): string {
  const m = DECIMAL.exec(n.text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return String(n.value);
  const [, sign, int, frac = '', exp = '0'] = m;
  let digits = int + frac;
  let point = int.length + Number(exp); // digits before the decimal point
  if (point > 4000 || point < -4000) return String(n.value); // out of any double's range: rejected earlier
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const head = digits.slice(0, point).replace(/^0+/, '') || '0';
  const tail = digits.slice(point).replace(/0+$/, '');
  const text = tail ? `${head}.${tail}` : head;
  return sign === '-' && text !== '0' ? `-${text}` : text;
}
