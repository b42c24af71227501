/**
 * The playground page (issue #18): a Sigma rule in an editor, converted as the user types by the
 * library core in a Web Worker (web/src/worker.ts), for every target at once; the shown target's
 * output, label, diagnostics (click to jump to their line and column) and `--explain` lines.
 * The view lives in the URL fragment (web/src/fragment.ts); nothing is sent anywhere.
 *
 * For tests: `window.sigmantic.convert(ruleText, options)` (the library's convertText result),
 * `window.playground.setRule(text)` / `setTarget(name)` (resolve once the page shows the result),
 * and the shown output in `#output` with its label in `data-status`.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, syntaxHighlighting, indentOnInput, bracketMatching } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { ConvertTextOptions, Diagnostic, PipelineText, TextResult } from '../../src/core.js';
import { decodeView, encodeView } from './fragment.js';
import type { Ask, Reply, Request, TargetInfo } from './protocol.js';

/** The conversion worker's code (scripts/build-web.mjs) and the sample rules of rules/. */
declare const __WORKER_SOURCE__: string;
declare const __SAMPLES__: ReadonlyArray<{ readonly name: string; readonly text: string }>;
declare const __SEED__: string;

/* ------------------------------------------------------------------ worker */

const worker = new Worker(URL.createObjectURL(new Blob([__WORKER_SOURCE__], { type: 'text/javascript' })));
let nextId = 1;
const pending = new Map<number, (r: Reply) => void>();
worker.onmessage = (e: MessageEvent<Reply>) => {
  const done = pending.get(e.data.id);
  pending.delete(e.data.id);
  done?.(e.data);
};
function ask(req: Ask): Promise<Reply> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ ...req, id } as Request);
  });
}
async function convert(text: string, options: ConvertTextOptions): Promise<TextResult> {
  const r = await ask({ kind: 'convert', text, options });
  if ('error' in r) throw new Error(r.error);
  if (!('result' in r)) throw new Error('unexpected reply');
  return r.result;
}

/* ------------------------------------------------------------------ state */

interface Choice {
  format: string;
  pipelines: string[];
  defaults: boolean;
  /** `key=value` lines (`--set`). */
  settings: string;
}
interface View {
  rule: string;
  target: string;
  strict: boolean;
  pipelineYaml: string;
  choices: Record<string, Choice>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let targets: TargetInfo[] = [];
const view: View = { rule: '', target: 'splunk', strict: false, pipelineYaml: '', choices: {} };
const results = new Map<string, TextResult | { target: string; failure: string }>();
let generation = 0;
let shown: (() => void)[] = [];

function choice(target: string): Choice {
  return (view.choices[target] ??= { format: 'default', pipelines: [], defaults: true, settings: '' });
}

/* ------------------------------------------------------------------ editors */

const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--hl-key)' },
  { tag: [tags.string, tags.special(tags.string), tags.content], color: 'var(--hl-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--hl-atom)' },
  { tag: [tags.comment, tags.lineComment], color: 'var(--hl-comment)', fontStyle: 'italic' },
  { tag: [tags.meta, tags.punctuation, tags.separator, tags.operator], color: 'var(--hl-punct)' },
  { tag: [tags.labelName, tags.typeName, tags.keyword], color: 'var(--hl-keyword)' },
]);

function editor(
  parent: HTMLElement,
  doc: string,
  label: string,
  onChange: (text: string) => void,
): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        drawSelection(),
        history(),
        indentOnInput(),
        bracketMatching(),
        yaml(),
        syntaxHighlighting(highlight),
        // Tab indents; Escape then Tab leaves the editor (CodeMirror's keyboard escape hatch).
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
}

let ruleEditor: EditorView;

function setDoc(ed: EditorView, text: string): void {
  ed.dispatch({ changes: { from: 0, to: ed.state.doc.length, insert: text } });
}

/** Puts the cursor at a diagnostic's line and column in the rule editor. */
function jump(line: number, column: number): void {
  const doc = ruleEditor.state.doc;
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const pos = Math.min(l.from + Math.max(column - 1, 0), l.to);
  ruleEditor.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  ruleEditor.focus();
}

/* ------------------------------------------------------------------ conversion */

function settingsOf(text: string): { settings: Record<string, string>; problem?: string } {
  const settings: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { settings, problem: `a setting is key=value, not '${line}'` };
    settings[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { settings };
}

function optionsFor(target: string): ConvertTextOptions | string {
  const c = choice(target);
  const { settings, problem } = settingsOf(c.settings);
  if (problem) return problem;
  const pasted: PipelineText[] = view.pipelineYaml.trim()
    ? [{ yaml: view.pipelineYaml, name: 'pipeline.yml' }]
    : [];
  return {
    target,
    format: c.format,
    pipelines: [...c.pipelines, ...pasted],
    defaultPipelines: c.defaults,
    strict: view.strict,
    settings,
  };
}

/**
 * Converts the rule for every target, the shown one first (shown as soon as it is done); the
 * newest run wins. Resolves when the page shows every target's result.
 */
async function convertAll(): Promise<void> {
  const gen = ++generation;
  $('output').setAttribute('aria-busy', 'true');
  const text = view.rule;
  const one = async (target: string) => {
    const options = optionsFor(target);
    if (typeof options === 'string') return { target, failure: options };
    try {
      return await convert(text, options);
    } catch (e) {
      return { target, failure: e instanceof Error ? e.message : String(e) };
    }
  };
  const first = await one(view.target);
  if (gen !== generation) return;
  const fresh = new Map([[first.target, first]]);
  results.set(first.target, first);
  for (const t of targets) if (t.name !== first.target) results.delete(t.name);
  render(false);
  for (const o of await Promise.all(targets.filter((t) => t.name !== first.target).map((t) => one(t.name))))
    fresh.set(o.target, o);
  if (gen !== generation) return;
  results.clear();
  for (const [k, v] of fresh) results.set(k, v);
  render(true);
  void saveFragment();
}

let timer: ReturnType<typeof setTimeout> | undefined;
function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(() => void convertAll(), 200);
}

async function saveFragment(): Promise<void> {
  const hash = '#' + (await encodeView(view));
  // window.history: `history` here is CodeMirror's undo history.
  if (location.hash !== hash) window.history.replaceState(null, '', hash);
}

/* ------------------------------------------------------------------ rendering */

function statusOf(r: TextResult | { failure: string } | undefined): string {
  if (!r) return 'pending';
  if ('failure' in r || 'usageError' in r) return 'usage-error';
  return r.status;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  cls?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function renderTabs(): void {
  const tabs = $('tabs');
  tabs.replaceChildren();
  for (const t of targets) {
    const status = statusOf(results.get(t.name));
    const b = el('button', undefined, 'tab');
    b.setAttribute('role', 'tab');
    b.dataset.target = t.name;
    b.id = `tab-${t.name}`;
    b.title = t.description;
    b.setAttribute('aria-selected', String(t.name === view.target));
    b.tabIndex = t.name === view.target ? 0 : -1;
    b.append(el('span', t.name), el('span', status, `badge s-${status}`));
    b.onclick = () => void selectTarget(t.name);
    tabs.append(b);
  }
}

function renderChoices(): void {
  const t = targets.find((x) => x.name === view.target);
  if (!t) return;
  const c = choice(t.name);
  const format = $<HTMLSelectElement>('format');
  format.replaceChildren(
    ...t.formats.map((f) => {
      const o = el('option', f.name);
      o.value = f.name;
      o.title = f.description;
      return o;
    }),
  );
  format.value = c.format;
  const box = $('pipelines');
  box.replaceChildren();
  if (t.pipelines.length === 0) box.append(el('span', 'none built in', 'muted'));
  for (const p of t.pipelines) {
    const label = el('label', undefined, 'check');
    const input = el('input');
    input.type = 'checkbox';
    input.value = p;
    input.checked = c.pipelines.includes(p);
    input.onchange = () => {
      c.pipelines = t.pipelines.filter((x) => (x === p ? input.checked : c.pipelines.includes(x)));
      schedule();
    };
    label.append(input, ` ${p}${t.defaultPipelines.includes(p) ? ' (default)' : ''}`);
    box.append(label);
  }
  $<HTMLInputElement>('defaults').checked = c.defaults;
  $<HTMLInputElement>('strict').checked = view.strict;
  const settings = $<HTMLTextAreaElement>('settings');
  if (settings.value !== c.settings) settings.value = c.settings;
  settings.placeholder = t.settings.length
    ? t.settings.map((s) => `${s.name}=… (${s.type})`).join('\n')
    : 'no settings';
  settings.title = t.settings.map((s) => `${s.name}: ${s.description}`).join('\n');
}

function diagnosticItem(d: Diagnostic): HTMLLIElement {
  const li = el('li', undefined, `d-${d.severity}`);
  const where = d.line ? `${d.line}:${d.column ?? 1}` : '—';
  if (d.line) {
    const b = el('button', where, 'where');
    b.dataset.line = String(d.line);
    b.dataset.column = String(d.column ?? 1);
    b.title = 'show in the editor';
    b.onclick = () => jump(d.line!, d.column ?? 1);
    li.append(b);
  } else li.append(el('span', where, 'where'));
  li.append(
    el('span', ` ${d.severity} `, 'sev'),
    el('code', d.code),
    document.createTextNode(`${d.reason ? ` [${d.reason}]` : ''}: ${d.message}`),
  );
  return li;
}

/** Shows the results; `complete`: every target's is in (what setRule and setTarget wait for). */
function render(complete = true): void {
  renderTabs();
  renderChoices();
  const r = results.get(view.target);
  const output = $('output');
  const status = statusOf(r);
  output.dataset.status = status;
  output.dataset.target = view.target;
  output.removeAttribute('aria-busy');
  if (r && Number.isNaN(timing.firstShownMs)) {
    timing.firstConversionMs = performance.now() - t0;
    timing.firstShownMs = performance.now();
  }
  const label = $('label');
  label.textContent = status;
  label.className = `badge s-${status}`;
  const diags = $('diagnostics');
  const explain = $('explain');
  diags.replaceChildren();
  explain.replaceChildren();
  if (!r) output.textContent = '';
  else if ('failure' in r || 'usageError' in r) {
    const msg = 'failure' in r ? r.failure : r.usageError;
    output.textContent = '';
    diags.append(el('li', `usage error: ${msg}`, 'd-error'));
  } else {
    output.textContent = r.output;
    for (const rule of r.rules) {
      for (const d of rule.diagnostics) diags.append(diagnosticItem(d));
      for (const a of rule.applied) explain.append(el('li', `applied ${a}`));
    }
    if (r.rules.every((x) => x.applied.length === 0))
      explain.append(el('li', 'no pipeline item applied', 'muted'));
  }
  if (!diags.childElementCount) diags.append(el('li', 'none', 'muted'));
  if (!complete) return;
  const waiting = shown;
  shown = [];
  for (const w of waiting) w();
}

async function selectTarget(name: string): Promise<void> {
  view.target = name;
  render();
  void saveFragment();
}

/** Resolves when the next conversion is shown. */
function nextShown(): Promise<void> {
  return new Promise((resolve) => shown.push(resolve));
}

/* ------------------------------------------------------------------ start */

async function start(): Promise<void> {
  const reply = await ask({ kind: 'targets' });
  if (!('targets' in reply)) throw new Error('error' in reply ? reply.error : 'no targets');
  // Splunk, Sentinel, Elastic, then the rest (the IR) in the registry's order.
  const order = ['splunk', 'sentinel', 'elastic'];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  targets = [...reply.targets].sort((a, b) => rank(a.name) - rank(b.name));
  const saved = (await decodeView(location.hash.slice(1))) as Partial<View> | undefined;
  Object.assign(view, { rule: __SEED__ }, saved ?? {});
  if (!targets.some((t) => t.name === view.target)) view.target = targets[0].name;

  const samples = $<HTMLSelectElement>('sample');
  samples.replaceChildren(
    el('option', saved ? '(from the link)' : 'choose a sample rule…'),
    ...__SAMPLES__.map((s, i) => {
      const o = el('option', s.name);
      o.value = String(i);
      return o;
    }),
  );
  samples.onchange = () => {
    const s = __SAMPLES__[Number(samples.value)];
    if (s) setDoc(ruleEditor, s.text);
  };

  ruleEditor = editor($('rule-editor'), view.rule, 'Sigma rule (YAML)', (text) => {
    view.rule = text;
    schedule();
  });
  editor($('pipeline-editor'), view.pipelineYaml, 'pipeline YAML', (text) => {
    view.pipelineYaml = text;
    schedule();
  });
  if (view.pipelineYaml.trim()) $<HTMLDetailsElement>('pipeline-box').open = true;

  $<HTMLSelectElement>('format').onchange = (e) => {
    choice(view.target).format = (e.target as HTMLSelectElement).value;
    schedule();
  };
  $<HTMLInputElement>('defaults').onchange = (e) => {
    choice(view.target).defaults = (e.target as HTMLInputElement).checked;
    schedule();
  };
  $<HTMLInputElement>('strict').onchange = (e) => {
    view.strict = (e.target as HTMLInputElement).checked;
    schedule();
  };
  $<HTMLTextAreaElement>('settings').oninput = (e) => {
    choice(view.target).settings = (e.target as HTMLTextAreaElement).value;
    schedule();
  };
  $('tabs').onkeydown = (e) => {
    const i = targets.findIndex((t) => t.name === view.target);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    void selectTarget(targets[(i + step + targets.length) % targets.length].name).then(() =>
      document.getElementById(`tab-${view.target}`)?.focus(),
    );
  };
  $('copy').onclick = () => void copyOutput();

  // The first conversion after load (README: measured by scripts/web-measure.mjs).
  t0 = performance.now();
  const all = nextShown();
  void convertAll();
  await all;
}

let t0 = NaN;

/** Milliseconds: the first conversion (worker ready to output shown) and when it showed (from navigation start). */
const timing = { firstConversionMs: NaN, firstShownMs: NaN };

async function copyOutput(): Promise<void> {
  const text = $('output').textContent ?? '';
  const button = $('copy');
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // file:// pages may not have the clipboard API: copy through a selection instead.
    const area = el('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  button.textContent = 'Copied';
  setTimeout(() => (button.textContent = 'Copy'), 1200);
}

const ready = start();

declare global {
  interface Window {
    sigmantic: { convert(ruleText: string, options: ConvertTextOptions): Promise<TextResult> };
    playground: {
      ready: Promise<void>;
      setRule(text: string): Promise<void>;
      setTarget(name: string): Promise<void>;
      cursor(): { line: number; column: number };
      timing: { firstConversionMs: number; firstShownMs: number };
    };
  }
}

window.sigmantic = { convert };
window.playground = {
  ready,
  async setRule(text: string) {
    await ready;
    const done = nextShown();
    setDoc(ruleEditor, text);
    clearTimeout(timer);
    void convertAll();
    await done;
  },
  async setTarget(name: string) {
    await ready;
    await selectTarget(name);
  },
  cursor() {
    const pos = ruleEditor.state.selection.main.head;
    const line = ruleEditor.state.doc.lineAt(pos);
    return { line: line.number, column: pos - line.from + 1 };
  },
  timing,
};
