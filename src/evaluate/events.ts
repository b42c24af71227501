/**
 * Events: reading JSON event files and flattening events so Sigma field names resolve.
 *
 * A file may hold one JSON object, a JSON array of objects, JSON Lines, or several JSON values
 * concatenated (read as a stream). An event's position is its 0-based index in the file, counting
 * the elements of a top-level array in order.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An event's fields by name: flat keys, dotted paths, and the Windows EVTX names. */
export type FlatEvent = ReadonlyMap<string, Json>;

export type ReadResult =
  { ok: true; events: JsonObject[] } | { ok: false; message: string; line: number; column: number };

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, column: offset - last };
}

/** The end (exclusive) of the JSON value starting at `start`, or -1 when it is unterminated. */
function valueEnd(text: string, start: number): number {
  const c = text[start];
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 34 /* " */) {
        for (i++; i < text.length; i++) {
          const k = text.charCodeAt(i);
          if (k === 92 /* \ */) i++;
          else if (k === 34) break;
        }
      } else if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // A scalar: up to the next whitespace (an error below: events must be objects).
  let i = start;
  while (i < text.length && !/\s/.test(text[i])) i++;
  return i;
}

/** Reads the events of a file's text. */
export function readEvents(text: string): ReadResult {
  const events: JsonObject[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const err = (message: string, at: number): ReadResult => ({ ok: false, message, ...lineCol(text, at) });
  for (;;) {
    while (pos < text.length && /[\s,]/.test(text[pos])) pos++;
    if (pos >= text.length) break;
    const end = valueEnd(text, pos);
    if (end === -1) return err('unterminated JSON value', pos);
    let value: unknown;
    try {
      value = JSON.parse(text.slice(pos, end));
    } catch (e) {
      return err(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`, pos);
    }
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (!isObject(item))
        return err(`an event must be a JSON object, not ${item === null ? 'null' : typeof item}`, pos);
      events.push(item);
    }
    pos = end;
  }
  return { ok: true, events };
}

/** An XML-as-JSON element's text value: `#text` when present, else the element itself. */
function xmlText(v: Json): Json {
  if (isObject(v) && '#text' in v) return v['#text'];
  return v;
}

/** Sets a field unless an earlier source already gave it. */
function set(out: Map<string, Json>, key: string, value: Json): void {
  if (!out.has(key)) out.set(key, value);
}

/** Adds every key and dotted path of an object; objects inside arrays add their values as arrays. */
function addPaths(out: Map<string, Json>, obj: JsonObject, prefix: string): void {
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (!out.has(path)) out.set(path, v);
    if (isObject(v)) addPaths(out, v, path);
    else if (Array.isArray(v) && v.some(isObject)) {
      const sub = new Map<string, Json[]>();
      for (const el of v) {
        if (!isObject(el)) continue;
        const inner = new Map<string, Json>();
        addPaths(inner, el, '');
        for (const [ik, iv] of inner) {
          const list = sub.get(ik) ?? [];
          list.push(iv);
          sub.set(ik, list);
        }
      }
      for (const [ik, list] of sub) {
        const p2 = `${path}.${ik}`;
        if (!out.has(p2)) out.set(p2, list.length === 1 ? list[0] : list);
      }
    }
  }
}

/**
 * Adds the fields of a Windows event in EVTX-as-JSON shape (`Event.System`, `Event.EventData`,
 * `Event.UserData`): EventData keys as they are and without spaces (Windows Defender's
 * `Threat Name` is Sigma's `ThreatName`), or `Data` elements by their `Name` attribute,
 * the single child of UserData by its keys, System keys with `#text` as the value and each
 * attribute as `<Key>_<Attribute>` (`Provider_Name`, `TimeCreated_SystemTime`,
 * `Execution_ProcessID`, `Security_UserID`). On a clash the first wins: EventData, then UserData,
 * then System.
 */
function addWindows(out: Map<string, Json>, ev: JsonObject): void {
  const data = ev.EventData;
  if (isObject(data)) {
    for (const [k, v] of Object.entries(data)) {
      if (k === '#attributes') continue;
      if (k === 'Data' && (Array.isArray(v) || isObject(v))) {
        const items = Array.isArray(v) ? v : [v];
        const unnamed: Json[] = [];
        for (const item of items) {
          const name = isObject(item) && isObject(item['#attributes']) ? item['#attributes'].Name : undefined;
          if (typeof name === 'string') set(out, name, xmlText(item) ?? null);
          else unnamed.push(xmlText(item));
        }
        if (unnamed.length) set(out, 'Data', unnamed.length === 1 ? unnamed[0] : unnamed);
        continue;
      }
      set(out, k, xmlText(v));
      // Sigma names fields without the spaces some providers use ("Threat Name" is ThreatName).
      if (k.includes(' ')) set(out, k.replace(/ /g, ''), xmlText(v));
    }
  }
  const user = ev.UserData;
  if (isObject(user)) {
    for (const [name, child] of Object.entries(user)) {
      if (name === '#attributes' || !isObject(child)) continue;
      for (const [k, v] of Object.entries(child)) if (k !== '#attributes') set(out, k, xmlText(v));
    }
  }
  const sys = ev.System;
  if (isObject(sys)) {
    for (const [k, v] of Object.entries(sys)) {
      if (isObject(v)) {
        if ('#text' in v) set(out, k, v['#text']);
        const attrs = v['#attributes'];
        if (isObject(attrs)) for (const [a, av] of Object.entries(attrs)) set(out, `${k}_${a}`, av);
      } else set(out, k, v);
    }
  }
}

/**
 * Flattens an event: every top-level key, every dotted path into nested objects, and for Windows
 * events in EVTX-as-JSON shape the Sigma field names (`Image`, `EventID`, `Channel`,
 * `Provider_Name`, `Computer`, ...). A flat key wins over a path or alias of the same name.
 */
export function flattenEvent(event: JsonObject): FlatEvent {
  const out = new Map<string, Json>();
  for (const [k, v] of Object.entries(event)) out.set(k, v);
  const ev = event.Event;
  if (isObject(ev) && (isObject(ev.System) || isObject(ev.EventData) || isObject(ev.UserData)))
    addWindows(out, ev);
  addPaths(out, event, '');
  return out;
}

/** Every scalar value of an event (for keywords), in document order. */
export function scalarValues(event: JsonObject): Json[] {
  const out: Json[] = [];
  const walk = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) for (const x of Object.values(v)) walk(x);
    else if (v !== null) out.push(v);
  };
  walk(event);
  return out;
}
