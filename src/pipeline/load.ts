/** Pipelines from pySigma YAML files, from objects (backends' built-ins), and by name. */
import { host } from '../host.js';
import { parseYaml, YamlError } from '../rule/yaml.js';
import { specFromDocument } from './compile.js';
import { PipelineError } from './errors.js';
import type { PipelineSpec } from './types.js';

/** A pipeline file may not exceed this size. */
const MAX_FILE_SIZE = 16 * 1024 * 1024;

/**
 * A pipeline from an already parsed pySigma pipeline object (e.g. a backend's built-in pipeline
 * kept as JSON or YAML data). `source` names it in errors, e.g. `builtin:windows`. Throws
 * PipelineError when the object is malformed.
 */
export function pipelineFromObject(obj: unknown, source: string): PipelineSpec {
  return specFromDocument(obj, source, undefined);
}

/** A pipeline from pySigma YAML text; errors carry the line and column. */
export function pipelineFromYaml(text: string, source: string): PipelineSpec {
  let doc;
  try {
    doc = parseYaml(text);
  } catch (e) {
    if (e instanceof YamlError)
      throw new PipelineError(`${source}:${e.pos.line}:${e.pos.column}: invalid YAML: ${e.message}`);
    throw e;
  }
  return specFromDocument(doc.value, source, doc.root);
}

/** Loads a pipeline YAML file (`-p my.yml`). Throws PipelineError. */
export function loadPipelineFile(path: string): PipelineSpec {
  let text: string;
  try {
    text = host().readTextFile(path)!;
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new PipelineError(
      `${path}: cannot read the pipeline file${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`,
    );
  }
  if (text.length > MAX_FILE_SIZE)
    throw new PipelineError(`${path}: the pipeline file exceeds ${MAX_FILE_SIZE} bytes`);
  // `builtin:` names the package's own pipelines (compiled lazily): never a file's source.
  return pipelineFromYaml(text, path.startsWith('builtin:') ? `./${path}` : path);
}

/**
 * What a target offers the pipeline layer: its name (for messages), its built-in pipelines by name
 * (`-p name`) and the ones it applies by default. A backend is one; this layer knows no more of it.
 */
export interface PipelineSource {
  readonly name: string;
  readonly pipelines: Readonly<Record<string, () => PipelineSpec>>;
  readonly defaultPipelines: readonly string[];
}

/** Built-in pipeline specs made so far, per built-in record and name (a spec is immutable). */
const builtins = new WeakMap<PipelineSource['pipelines'], Map<string, PipelineSpec>>();

/**
 * The pipelines a run applies for a target, in order. One rule: naming a built-in pipeline of the
 * target with `-p` replaces the target's default pipelines (a built-in is a complete mapping for
 * the target; stacking it on the default would map names twice); pipeline files run after the
 * defaults, unless `useDefaults` is false (`--no-default-pipelines`). A name given twice runs once.
 */
export function pipelineNames(
  target: PipelineSource,
  given: readonly string[],
  useDefaults = true,
): string[] {
  const namesBuiltin = given.some((n) => Object.hasOwn(target.pipelines, n));
  const defaults = useDefaults && !namesBuiltin ? target.defaultPipelines : [];
  return [...new Set([...defaults, ...given])];
}

/** A target's built-in pipeline by name, else a `.yml`/`.yaml` file. Throws PipelineError. */
export function resolvePipeline(nameOrPath: string, target: PipelineSource): PipelineSpec {
  const builtin = Object.hasOwn(target.pipelines, nameOrPath) ? target.pipelines[nameOrPath] : undefined;
  if (builtin) {
    // Built-ins are made on first use, once (a fully cached run needs none); their items compile
    // lazily, and the backends' tests compile every one, so a broken one fails in CI.
    let made = builtins.get(target.pipelines);
    if (!made) builtins.set(target.pipelines, (made = new Map()));
    let spec = made.get(nameOrPath);
    if (!spec) made.set(nameOrPath, (spec = builtin()));
    return spec;
  }
  if (/\.ya?ml$/i.test(nameOrPath)) return loadPipelineFile(nameOrPath);
  const names = Object.keys(target.pipelines);
  throw new PipelineError(
    `unknown pipeline '${nameOrPath}' for target '${target.name}': ${pipelineHint(nameOrPath, target)}${
      names.length ? `built-in pipelines are ${names.join(', ')}` : 'it has no built-in pipelines'
    }; a pipeline file must end in .yml or .yaml`,
  );
}

/**
 * Pipeline names users type from sigma-cli/pySigma (and the other targets' built-ins), with
 * sigmantic's pipeline for the same log sources per target. None is an alias: sigmantic's
 * mappings are its own (they refuse fields without a faithful mapping, and Splunk's Sysmon source
 * is `XmlWinEventLog:`), so the error names the pipeline to choose instead of silently running a
 * different one. Names: sigma-cli README (`-p sysmon`), pySigma's `sysmon`, `windows-audit`,
 * `windows-logsources`; pySigma-backend-splunk (`splunk_windows`, `splunk_sysmon_acceleration`,
 * `splunk_cim`), -elasticsearch (`ecs_windows`, `ecs_windows_old`, `ecs_zeek_beats`,
 * `ecs_zeek_corelight`, `ecs_kubernetes`), -kusto (`microsoft_xdr`, `microsoft_365_defender`,
 * `sentinel_asim`, `azure_monitor`).
 */
const FOREIGN_PIPELINES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  sysmon: { splunk: 'windows', sentinel: 'sentinel-windows', elastic: 'ecs-windows' },
  'windows-audit': { splunk: 'windows', sentinel: 'sentinel-windows', elastic: 'ecs-windows' },
  'windows-logsources': { splunk: 'windows', sentinel: 'sentinel-windows', elastic: 'ecs-windows' },
  windows: { sentinel: 'sentinel-windows', elastic: 'ecs-windows' },
  'windows-xml': { sentinel: 'sentinel-windows', elastic: 'ecs-windows' },
  splunk_windows: { splunk: 'windows' },
  splunk_sysmon_acceleration: { splunk: 'windows' },
  splunk_cim: { splunk: 'splunk-cim' },
  ecs_windows: { elastic: 'ecs-windows' },
  ecs_windows_old: { elastic: 'ecs-windows' },
  ecs_zeek_beats: { elastic: 'ecs' },
  ecs_zeek_corelight: { elastic: 'ecs' },
  ecs_kubernetes: { elastic: 'ecs' },
  microsoft_xdr: { sentinel: 'sentinel-defender' },
  microsoft_365_defender: { sentinel: 'sentinel-defender' },
  sentinel_asim: { sentinel: 'sentinel-asim' },
  azure_monitor: { sentinel: 'sentinel-windows' },
};

/** "did you mean" for a pipeline name of pySigma or of another target ('' when none). */
function pipelineHint(name: string, target: PipelineSource): string {
  const dashed = name.replace(/_/g, '-');
  const entry = Object.hasOwn(FOREIGN_PIPELINES, name) ? FOREIGN_PIPELINES[name] : undefined;
  // The EQL target has the Elastic target's pipelines.
  const mine = entry?.[target.name === 'eql' ? 'elastic' : target.name];
  if (mine && Object.hasOwn(target.pipelines, mine))
    return `'${name}' is a sigma-cli/pySigma pipeline or another target's; for the same log sources use -p ${mine} (sigmantic's own mapping, not a copy; see docs/pipelines.md); `;
  if (entry)
    return `'${name}' is a sigma-cli/pySigma pipeline or another target's, with no counterpart for this target; `;
  if (dashed !== name && Object.hasOwn(target.pipelines, dashed)) return `did you mean '${dashed}'? `;
  return '';
}
