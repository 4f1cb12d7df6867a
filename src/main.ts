// The entry point (`comfy-ts` / `npm start`): parse ComfyUI's flags, start, and stop cleanly on SIGINT/SIGTERM.
import { CliUsageError, parseArgs, usageError } from './cli/args.ts';

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    process.stderr.write(usageError(err));
    process.exit(err.exitCode);
  }
  if (parsed.help) {
    process.stdout.write(parsed.text);
    return;
  }
  // Loaded only now, so --help and flag errors answer without loading the engine and the nodes.
  const { startServer } = await import('./cli/start.ts');
  const server = await startServer(parsed.args, { captureOutput: true, argv: process.argv.slice(1) });
  if (parsed.args.quickTestForCi) {
    await server.close();
    return;
  }
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write('\nStopped server\n');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: NodeJS.ErrnoException) => {
  if (err?.code === 'EADDRINUSE') process.stderr.write(`Error: address already in use: ${err.message}\n`);
  else process.stderr.write(`${err?.stack ?? String(err)}\n`);
  process.exit(1);
});
