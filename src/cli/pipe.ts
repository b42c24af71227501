/** A closed standard output (`sigmantic ... | head`): stop quietly. The exit status of a process killed by SIGPIPE (128 + 13), as other command-line tools end. */
export const EXIT_PIPE = 141;
export const isEpipe = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
let pipeWatched = false;

/**
 * A reader that stops reading (`sigmantic list targets | head -1`) closes the pipe: stop quietly,
 * no stack trace. For the commands that write through process.stdout (list, test); convert
 * writes fd 1 synchronously and must not touch process.stdout, which would make a pipe
 * non-blocking (its EPIPE is caught in main).
 */
export function watchStdoutPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (e) => {
    if (!isEpipe(e)) process.stderr.write(`sigmantic: cannot write the output: ${e.message}\n`);
    process.exit(isEpipe(e) ? EXIT_PIPE : 2);
  });
}
