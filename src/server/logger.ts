// A leveled logger with ComfyUI's levels (--verbose) and streams (stderr, or stdout for info/debug with --log-stdout).

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
export const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  isEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** --log-stdout: DEBUG/INFO lines go to stdout instead of stderr. */
  logStdout?: boolean;
  /** Replaces the streams (tests). */
  write?: (level: LogLevel, line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'INFO');
  const write =
    options.write ??
    ((level: LogLevel, line: string) => {
      const toStdout = options.logStdout && (level === 'DEBUG' || level === 'INFO');
      (toStdout ? process.stdout : process.stderr).write(line + '\n');
    });
  const at = (level: LogLevel) => (message: string) => {
    if (LOG_LEVELS.indexOf(level) >= threshold) write(level, message);
  };
  return {
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARNING'),
    error: at('ERROR'),
    isEnabled: (level) => LOG_LEVELS.indexOf(level) >= threshold,
  };
}

/** Logs `message` at a level known only at run time (e.g. a line another process logged). */
export function logAt(logger: Logger, level: LogLevel, message: string): void {
  if (level === 'DEBUG') logger.debug(message);
  else if (level === 'INFO') logger.info(message);
  else if (level === 'WARNING') logger.warn(message);
  else logger.error(message);
}

/** A logger that drops everything (tests that don't care). */
export const silentLogger: Logger = createLogger({ level: 'CRITICAL', write: () => {} });
