/**
 * Elastic KQL for every case, converted with no pipelines: field types are unknown, so every
 * field is treated as `keyword` (case-sensitive in KQL). Reviewed by hand against
 * docs/elastic.md:
 * - a value with few case variants (<= 16) lists them all: exact (`*\\x.exe`: 16 variants);
 *   more variants: the first 3 case-variable letters expanded, later letters `*`: approximate
 *   (widens); under `not`: as written, lowercase, uppercase only (narrows the negated part);
 *   the variant lists include the simple-case-folding partners the evaluator uses
 *   (Kelvin sign K for k, long s ſ for s, dotless ı for i);
 * - whitespace inside a wildcard value becomes `*` (Kibana #23001), under `not` the value is dropped;
 * - `?` becomes `*` (widens), under `not` the value is dropped;
 * - regexes without a wildcard form are unsupported; so are fieldrefs and ranges on fields of
 *   unknown type, whose only KQL form ("the field exists") is degenerate (docs/elastic.md);
 * - IPv4 CIDR on a non-ip field: exact dotted prefixes; IPv6: "holds a ':'" (widens).
 */
import type { CaseDiagnostics, Expectations } from './cases.js';

export const expected: Expectations = {
  eq_backslashes: {
    status: 'approximate',
    query:
      'Image: (C\\:\\\\Wi*\\\\*32\\\\*.* or C\\:\\\\WI*\\\\*32\\\\*.* or C\\:\\\\Wı*\\\\*32\\\\*.* or C\\:\\\\wi*\\\\*32\\\\*.* or C\\:\\\\wI*\\\\*32\\\\*.* or C\\:\\\\wı*\\\\*32\\\\*.* or c\\:\\\\Wi*\\\\*32\\\\*.* or c\\:\\\\WI*\\\\*32\\\\*.* or c\\:\\\\Wı*\\\\*32\\\\*.* or c\\:\\\\wi*\\\\*32\\\\*.* or c\\:\\\\wI*\\\\*32\\\\*.* or c\\:\\\\wı*\\\\*32\\\\*.*)',
  },
  eq_trailing_backslash: {
    status: 'approximate',
    query:
      'Path: (C\\:\\\\Wi*\\\\ or C\\:\\\\WI*\\\\ or C\\:\\\\Wı*\\\\ or C\\:\\\\wi*\\\\ or C\\:\\\\wI*\\\\ or C\\:\\\\wı*\\\\ or c\\:\\\\Wi*\\\\ or c\\:\\\\WI*\\\\ or c\\:\\\\Wı*\\\\ or c\\:\\\\wi*\\\\ or c\\:\\\\wI*\\\\ or c\\:\\\\wı*\\\\)',
  },
  contains: {
    status: 'approximate',
    query: 'CommandLine: (*-Enc* or *-EnC* or *-ENc* or *-ENC* or *-enc* or *-enC* or *-eNc* or *-eNC*)',
  },
  startswith_endswith: {
    status: 'approximate',
    query:
      'Image: (*\\\\run*32.* or *\\\\ruN*32.* or *\\\\rUn*32.* or *\\\\rUN*32.* or *\\\\Run*32.* or *\\\\RuN*32.* or *\\\\RUn*32.* or *\\\\RUN*32.*) and CommandLine: (run*32* or ruN*32* or rUn*32* or rUN*32* or Run*32* or RuN*32* or RUn*32* or RUN*32*)',
  },
  inner_wildcard: {
    status: 'approximate',
    query:
      'Image: (C\\:\\\\Us*\\\\*\\\\*\\\\*.* or C\\:\\\\US*\\\\*\\\\*\\\\*.* or C\\:\\\\Uſ*\\\\*\\\\*\\\\*.* or C\\:\\\\us*\\\\*\\\\*\\\\*.* or C\\:\\\\uS*\\\\*\\\\*\\\\*.* or C\\:\\\\uſ*\\\\*\\\\*\\\\*.* or c\\:\\\\Us*\\\\*\\\\*\\\\*.* or c\\:\\\\US*\\\\*\\\\*\\\\*.* or c\\:\\\\Uſ*\\\\*\\\\*\\\\*.* or c\\:\\\\us*\\\\*\\\\*\\\\*.* or c\\:\\\\uS*\\\\*\\\\*\\\\*.* or c\\:\\\\uſ*\\\\*\\\\*\\\\*.*)',
  },
  one_char_wildcard: {
    status: 'approximate',
    query: 'Hash: (*0200*7F* or *0200*7f*)',
  },
  literal_star: {
    status: 'exact',
    query: 'Name: ("a*b" or "a*B" or "A*b" or "A*B")',
  },
  literal_question: {
    status: 'exact',
    query:
      'Name: (*what? or *whaT? or *whAt? or *whAT? or *wHat? or *wHaT? or *wHAt? or *wHAT? or *What? or *WhaT? or *WhAt? or *WhAT? or *WHat? or *WHaT? or *WHAt? or *WHAT?)',
  },
  backslash_then_wildcard: {
    status: 'approximate',
    query:
      'Path: (C\\:\\\\Te*\\\\* or C\\:\\\\TE*\\\\* or C\\:\\\\te*\\\\* or C\\:\\\\tE*\\\\* or c\\:\\\\Te*\\\\* or c\\:\\\\TE*\\\\* or c\\:\\\\te*\\\\* or c\\:\\\\tE*\\\\*)',
  },
  value_list: {
    status: 'approximate',
    query:
      'Image: (*\\\\cer*.* or *\\\\ceR*.* or *\\\\cEr*.* or *\\\\cER*.* or *\\\\Cer*.* or *\\\\CeR*.* or *\\\\CEr*.* or *\\\\CER*.* or *\\\\bit*.* or *\\\\biT*.* or *\\\\bIt*.* or *\\\\bIT*.* or *\\\\bıt*.* or *\\\\bıT*.* or *\\\\Bit*.* or *\\\\BiT*.* or *\\\\BIt*.* or *\\\\BIT*.* or *\\\\Bıt*.* or *\\\\BıT*.*)',
  },
  all_modifier: {
    status: 'approximate',
    query:
      'CommandLine: (*vss* or *vsS* or *vsſ* or *vSs* or *vSS* or *vSſ* or *vſs* or *vſS* or *vſſ* or *Vss* or *VsS* or *Vsſ* or *VSs* or *VSS* or *VSſ* or *Vſs* or *VſS* or *Vſſ*) and CommandLine: (*del* or *deL* or *dEl* or *dEL* or *Del* or *DeL* or *DEl* or *DEL*)',
  },
  cased: {
    status: 'exact',
    query: 'Name: "CaseSensitive"',
  },
  cased_contains: {
    status: 'exact',
    query: 'CommandLine: *FromBase64*',
  },
  regex: {
    status: 'unsupported',
  },
  regex_i: {
    status: 'unsupported',
  },
  regex_as_wildcard: {
    status: 'approximate',
    query:
      'Image: (*\\\\cmd.* or *\\\\cmD.* or *\\\\cMd.* or *\\\\cMD.* or *\\\\Cmd.* or *\\\\CmD.* or *\\\\CMd.* or *\\\\CMD.*)',
  },
  regex_lookaround: {
    status: 'unsupported',
  },
  regex_under_or: {
    status: 'unsupported',
  },
  cidr_v4: {
    // Text prefixes on an untyped field also match '10.0.0.1:443' or '10.example.org'.
    status: 'approximate',
    query:
      'DestinationIp: (10.* or 172.16.* or 172.17.* or 172.18.* or 172.19.* or 172.20.* or 172.21.* or 172.22.* or 172.23.* or 172.24.* or 172.25.* or 172.26.* or 172.27.* or 172.28.* or 172.29.* or 172.30.* or 172.31.*)',
  },
  cidr_v6: {
    status: 'approximate',
    query: 'DestinationIp: *\\:*',
  },
  not_cidr: {
    // Under 'not', a text prefix (wider than the network) is dropped: the query matches more events.
    status: 'approximate',
    query:
      'Image: (*\\\\x.exe or *\\\\x.exE or *\\\\x.eXe or *\\\\x.eXE or *\\\\x.Exe or *\\\\x.ExE or *\\\\x.EXe or *\\\\x.EXE or *\\\\X.exe or *\\\\X.exE or *\\\\X.eXe or *\\\\X.eXE or *\\\\X.Exe or *\\\\X.ExE or *\\\\X.EXe or *\\\\X.EXE)',
  },
  number: {
    status: 'exact',
    query: 'EventID: 4688',
  },
  number_list: {
    status: 'exact',
    query: 'EventID: (4688 or 1)',
  },
  number_as_text: {
    status: 'exact',
    query: 'Status: "00000429"',
  },
  boolean: {
    status: 'exact',
    // Untyped field: a Sigma boolean also matches the text "true" in any case.
    query:
      'Enabled: ("true" or "truE" or "trUe" or "trUE" or "tRue" or "tRuE" or "tRUe" or "tRUE" or "True" or "TruE" or "TrUe" or "TrUE" or "TRue" or "TRuE" or "TRUe" or "TRUE")',
  },
  null_value: {
    status: 'exact',
    query:
      'Image: (*\\\\x.exe or *\\\\x.exE or *\\\\x.eXe or *\\\\x.eXE or *\\\\x.Exe or *\\\\x.ExE or *\\\\x.EXe or *\\\\x.EXE or *\\\\X.exe or *\\\\X.exE or *\\\\X.eXe or *\\\\X.eXE or *\\\\X.Exe or *\\\\X.ExE or *\\\\X.EXe or *\\\\X.EXE) and not ParentImage: *',
  },
  empty_value: {
    status: 'exact',
    query:
      'Image: (*\\\\x.exe or *\\\\x.exE or *\\\\x.eXe or *\\\\x.eXE or *\\\\x.Exe or *\\\\x.ExE or *\\\\x.EXe or *\\\\x.EXE or *\\\\X.exe or *\\\\X.exE or *\\\\X.eXe or *\\\\X.eXE or *\\\\X.Exe or *\\\\X.ExE or *\\\\X.EXe or *\\\\X.EXE) and OriginalFileName: ""',
  },
  exists: {
    status: 'exact',
    query: 'Image: * and not ParentImage: *',
  },
  compare: {
    status: 'unsupported',
  },
  fieldref: {
    status: 'unsupported',
  },
  fieldref_contains: {
    status: 'unsupported',
  },
  keywords: {
    status: 'approximate',
    query:
      '(*mim* or *miM* or *mIm* or *mIM* or *mım* or *mıM* or *Mim* or *MiM* or *MIm* or *MIM* or *Mım* or *MıM*) or ((*sek* or *seK* or *seK* or *sEk* or *sEK* or *sEK* or *Sek* or *SeK* or *SeK* or *SEk* or *SEK* or *SEK* or *ſek* or *ſeK* or *ſeK* or *ſEk* or *ſEK* or *ſEK*) and (*log* or *loG* or *lOg* or *lOG* or *Log* or *LoG* or *LOg* or *LOG*))',
  },
  not_filter: {
    status: 'approximate',
    query:
      'Image: (*\\\\pow*.* or *\\\\poW*.* or *\\\\pOw*.* or *\\\\pOW*.* or *\\\\Pow*.* or *\\\\PoW*.* or *\\\\POw*.* or *\\\\POW*.*) and not ParentImage: (*\\\\explorer.exe or *\\\\EXPLORER.EXE)',
  },
  or_of_maps: {
    status: 'exact',
    query:
      'Image: (*\\\\a.exe or *\\\\a.exE or *\\\\a.eXe or *\\\\a.eXE or *\\\\a.Exe or *\\\\a.ExE or *\\\\a.EXe or *\\\\a.EXE or *\\\\A.exe or *\\\\A.exE or *\\\\A.eXe or *\\\\A.eXE or *\\\\A.Exe or *\\\\A.ExE or *\\\\A.EXe or *\\\\A.EXE) or OriginalFileName: ("a.exe" or "a.exE" or "a.eXe" or "a.eXE" or "a.Exe" or "a.ExE" or "a.EXe" or "a.EXE" or "A.exe" or "A.exE" or "A.eXe" or "A.eXE" or "A.Exe" or "A.ExE" or "A.EXe" or "A.EXE")',
  },
  and_or_nesting: {
    status: 'exact',
    query:
      'Image: (*\\\\a.exe or *\\\\a.exE or *\\\\a.eXe or *\\\\a.eXE or *\\\\a.Exe or *\\\\a.ExE or *\\\\a.EXe or *\\\\a.EXE or *\\\\A.exe or *\\\\A.exE or *\\\\A.eXe or *\\\\A.eXE or *\\\\A.Exe or *\\\\A.ExE or *\\\\A.EXe or *\\\\A.EXE or *\\\\b.exe or *\\\\b.exE or *\\\\b.eXe or *\\\\b.eXE or *\\\\b.Exe or *\\\\b.ExE or *\\\\b.EXe or *\\\\b.EXE or *\\\\B.exe or *\\\\B.exE or *\\\\B.eXe or *\\\\B.eXE or *\\\\B.Exe or *\\\\B.ExE or *\\\\B.EXe or *\\\\B.EXE) and CommandLine: (*x* or *X*)',
  },
  one_of_pattern: {
    status: 'approximate',
    query:
      'Image: (*\\\\a.exe or *\\\\a.exE or *\\\\a.eXe or *\\\\a.eXE or *\\\\a.Exe or *\\\\a.ExE or *\\\\a.EXe or *\\\\a.EXE or *\\\\A.exe or *\\\\A.exE or *\\\\A.eXe or *\\\\A.eXE or *\\\\A.Exe or *\\\\A.ExE or *\\\\A.EXe or *\\\\A.EXE) and CommandLine: (*evi* or *evI* or *evı* or *eVi* or *eVI* or *eVı* or *Evi* or *EvI* or *Evı* or *EVi* or *EVI* or *EVı*) and not User: ("SYSTEM" or "system")',
  },
  windash: {
    status: 'approximate',
    query:
      'CommandLine: (*-exec* or *-exeC* or *-exEc* or *-exEC* or *-eXec* or *-eXeC* or *-eXEc* or *-eXEC* or *-Exec* or *-ExeC* or *-ExEc* or *-ExEC* or *-EXec* or *-EXeC* or *-EXEc* or *-EXEC* or */exec* or */exeC* or */exEc* or */exEC* or */eXec* or */eXeC* or */eXEc* or */eXEC* or */Exec* or */ExeC* or */ExEc* or */ExEC* or */EXec* or */EXeC* or */EXEc* or */EXEC* or *–exec* or *–exeC* or *–exEc* or *–exEC* or *–eXec* or *–eXeC* or *–eXEc* or *–eXEC* or *–Exec* or *–ExeC* or *–ExEc* or *–ExEC* or *–EXec* or *–EXeC* or *–EXEc* or *–EXEC* or *—exec* or *—exeC* or *—exEc* or *—exEC* or *—eXec* or *—eXeC* or *—eXEc* or *—eXEC* or *—Exec* or *—ExeC* or *—ExEc* or *—ExEC* or *—EXec* or *—EXeC* or *—EXEc* or *—EXEC* or *―exec* or *―exeC* or *―exEc* or *―exEC* or *―eXec* or *―eXeC* or *―eXEc* or *―eXEC* or *―Exec* or *―ExeC* or *―ExEc* or *―ExEC* or *―EXec* or *―EXeC* or *―EXEc* or *―EXEC*)',
  },
  base64offset: {
    status: 'approximate',
    query:
      'CommandLine: (*aHR0* or *aHr0* or *ahR0* or *ahr0* or *AHR0* or *AHr0* or *AhR0* or *Ahr0* or *h0dH*6* or *h0dh*6* or *h0DH*6* or *h0Dh*6* or *H0dH*6* or *H0dh*6* or *H0DH*6* or *H0Dh*6* or *odH*8* or *odh*8* or *oDH*8* or *oDh*8* or *OdH*8* or *Odh*8* or *ODH*8* or *ODh*8*)',
  },
  wide_base64offset: {
    status: 'approximate',
    query:
      'CommandLine: (*cAB*4* or *cAb*4* or *caB*4* or *cab*4* or *CAB*4* or *CAb*4* or *CaB*4* or *Cab*4* or *AAa* or *AAA* or *Aaa* or *AaA* or *aAa* or *aAA* or *aaa* or *aaA* or *wAG* or *wAg* or *waG* or *wag* or *WAG* or *WAg* or *WaG* or *Wag*)',
  },
  expand_placeholder: {
    status: 'unsupported',
  },
  neq: {
    status: 'exact',
    query:
      'Image: (*\\\\x.exe or *\\\\x.exE or *\\\\x.eXe or *\\\\x.eXE or *\\\\x.Exe or *\\\\x.ExE or *\\\\x.EXe or *\\\\x.EXE or *\\\\X.exe or *\\\\X.exE or *\\\\X.eXe or *\\\\X.eXE or *\\\\X.Exe or *\\\\X.ExE or *\\\\X.EXe or *\\\\X.EXE) and not Status: ("ok" or "oK" or "oK" or "Ok" or "OK" or "OK")',
  },
  hostile_value: {
    status: 'approximate',
    query:
      'CommandLine: (*a\\"*|*de*=*\\)*\\(*=\'* or *a\\"*|*dE*=*\\)*\\(*=\'* or *a\\"*|*De*=*\\)*\\(*=\'* or *a\\"*|*DE*=*\\)*\\(*=\'* or *A\\"*|*de*=*\\)*\\(*=\'* or *A\\"*|*dE*=*\\)*\\(*=\'* or *A\\"*|*De*=*\\)*\\(*=\'* or *A\\"*|*DE*=*\\)*\\(*=\'*)',
  },
  non_ascii: {
    status: 'approximate',
    query:
      'Name: (Ünï*名前 or ÜnÏ*名前 or ÜNï*名前 or ÜNÏ*名前 or ünï*名前 or ünÏ*名前 or üNï*名前 or üNÏ*名前)',
  },
  odd_field_names: {
    status: 'exact',
    query: '"Some Field": ("x" or "X") and Field-Name: ("y" or "Y") and a.b: ("z" or "Z")',
  },
  not_one_char: {
    status: 'approximate',
    query:
      'Image: (*\\\\x.exe or *\\\\x.exE or *\\\\x.eXe or *\\\\x.eXE or *\\\\x.Exe or *\\\\x.ExE or *\\\\x.EXe or *\\\\x.EXE or *\\\\X.exe or *\\\\X.exE or *\\\\X.eXe or *\\\\X.eXE or *\\\\X.Exe or *\\\\X.ExE or *\\\\X.EXe or *\\\\X.EXE)',
  },
  fields_table: {
    status: 'exact',
    query:
      'Image: (*\\\\x.exe or *\\\\x.exE or *\\\\x.eXe or *\\\\x.eXE or *\\\\x.Exe or *\\\\x.ExE or *\\\\x.EXe or *\\\\x.EXE or *\\\\X.exe or *\\\\X.exE or *\\\\X.eXe or *\\\\X.eXE or *\\\\X.Exe or *\\\\X.ExE or *\\\\X.EXe or *\\\\X.EXE)',
  },
  keywords_all: {
    status: 'approximate',
    query:
      '(*Fil* or *FiL* or *FIl* or *FIL* or *Fıl* or *FıL* or *fil* or *fiL* or *fIl* or *fIL* or *fıl* or *fıL*) and (*etc* or *etC* or *eTc* or *eTC* or *Etc* or *EtC* or *ETc* or *ETC*) and (*pas* or *paS* or *paſ* or *pAs* or *pAS* or *pAſ* or *Pas* or *PaS* or *Paſ* or *PAs* or *PAS* or *PAſ*)',
  },
  keywords_cased: { status: 'approximate', query: '(*EvilTool* or *BadThing*)' },
  keywords_windash_all: {
    status: 'approximate',
    query:
      '(*enc* or *enC* or *eNc* or *eNC* or *Enc* or *EnC* or *ENc* or *ENC*) and (*nop* or *noP* or *nOp* or *nOP* or *Nop* or *NoP* or *NOp* or *NOP*)',
  },
};

/**
 * What each case reports besides its query: `[code, reason, direction]` of every diagnostic, in
 * order (reasons: `Reason` in backends/elastic-kql/lower.ts; an unsupported construct has no
 * direction). A case not listed reports nothing. With no pipeline every field is an untyped
 * keyword field: case-insensitive values with many letters widen (`case`), a range widens to
 * "exists" (`field-type`), and under `not` each of them narrows instead.
 */
export const diagnostics: CaseDiagnostics = {
  eq_backslashes: [['approximation', 'case', 'wider']],
  eq_trailing_backslash: [['approximation', 'case', 'wider']],
  contains: [
    ['approximation', 'case', 'wider'],
    ['approximation', 'wildcard-whitespace', 'wider'],
  ],
  startswith_endswith: [
    ['approximation', 'case', 'wider'],
    ['approximation', 'case', 'wider'],
  ],
  inner_wildcard: [['approximation', 'case', 'wider']],
  one_char_wildcard: [['approximation', 'one-char-wildcard', 'wider']],
  backslash_then_wildcard: [['approximation', 'case', 'wider']],
  value_list: [['approximation', 'case', 'wider']],
  all_modifier: [['approximation', 'case', 'wider']],
  regex: [['unsupported-construct', 'regex']],
  regex_i: [['unsupported-construct', 'regex']],
  regex_as_wildcard: [['approximation', 'case', 'wider']],
  regex_lookaround: [['unsupported-construct', 'regex']],
  regex_under_or: [['unsupported-construct', 'regex']],
  cidr_v4: [['approximation', 'cidr', 'wider']],
  cidr_v6: [['approximation', 'cidr', 'wider']],
  not_cidr: [['approximation', 'cidr', 'narrower']],
  compare: [
    ['unsupported-construct', 'degenerate'],
    ['unsupported-construct', 'degenerate'],
  ],
  fieldref: [['unsupported-construct', 'degenerate']],
  fieldref_contains: [['unsupported-construct', 'degenerate']],
  keywords: [
    ['approximation', 'field-less', 'wider'],
    ['approximation', 'case', 'wider'],
    ['approximation', 'field-less', 'wider'],
  ],
  not_filter: [
    ['approximation', 'case', 'wider'],
    ['approximation', 'case', 'narrower'],
  ],
  one_of_pattern: [
    ['approximation', 'case', 'wider'],
    ['approximation', 'case', 'narrower'],
    ['approximation', 'case', 'narrower'],
    ['approximation', 'wildcard-whitespace', 'narrower'],
  ],
  windash: [['approximation', 'wildcard-whitespace', 'wider']],
  base64offset: [['approximation', 'case', 'wider']],
  wide_base64offset: [['approximation', 'case', 'wider']],
  expand_placeholder: [['unsupported-construct', 'placeholder']],
  hostile_value: [
    ['approximation', 'case', 'wider'],
    ['approximation', 'wildcard-whitespace', 'wider'],
  ],
  non_ascii: [
    ['approximation', 'case', 'wider'],
    ['approximation', 'wildcard-whitespace', 'wider'],
  ],
  not_one_char: [['approximation', 'one-char-wildcard', 'narrower']],
  keywords_all: [
    ['approximation', 'field-less', 'wider'],
    ['approximation', 'case', 'wider'],
    ['approximation', 'field-less', 'wider'],
  ],
  keywords_cased: [['approximation', 'field-less', 'wider']],
  keywords_windash_all: [
    ['approximation', 'field-less', 'wider'],
    ['approximation', 'field-less', 'wider'],
  ],
};
