/**
 * Regular expressions, one module: Sigma's PCRE-like `|re` patterns scanned (scan.ts) and
 * translated to JavaScript (translate.ts, used to reject invalid patterns when the IR is built and
 * by the reference evaluator), and Sigma strings written as regexes and back (sigma.ts, used by
 * the backends). It imports nothing but the IR's types.
 */
export { scanPcre, regexFeatures, unsupportedRe2Escape, type PcreToken, type RegexFeatures } from './scan.js';
export { translateRegex, type RegexResult } from './translate.js';
export {
  escapeRegex,
  regexAsString,
  regexToSigma,
  sigmaToRegex,
  type RegexDialect,
  type SigmaForm,
} from './sigma.js';
