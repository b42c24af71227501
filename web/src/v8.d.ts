// V8's Error.stackTraceLimit (Chromium has it; elsewhere setting it is harmless), which the core
// sets while it makes a pipeline failure (src/pipeline/context.ts). @types/node declares it under Node.
interface ErrorConstructor {
  stackTraceLimit: number;
}
