// Builds the browser UI into web/dist, which the server serves at `/` (`npx vite build web`).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs, so the same build works from any --front-end-root or path prefix.
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      // litegraph's number widget evaluates typed arithmetic ("2*8") with eval: known, and not ours to change.
      onwarn(warning, warn) {
        if (warning.code !== 'EVAL') warn(warning);
      },
    },
  },
});
