import { defineConfig } from 'vite';

// The production server: server/main.ts bundled into one ESM file that needs only Node.
// The image copies dist/apps/web-server/main.mjs and puts dist/apps/web beside it as public/.
export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/web-server',
  // The SPA's public/ belongs to the client build, not next to the server.
  publicDir: false,
  logLevel: 'warn',
  ssr: {
    // Everything is bundled so the image needs no node_modules; node: built-ins stay external.
    noExternal: true,
    target: 'node',
  },
  build: {
    ssr: 'server/main.ts',
    outDir: '../../dist/apps/web-server',
    emptyOutDir: true,
    target: 'node24',
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    copyPublicDir: false,
    rolldownOptions: {
      output: { format: 'es', entryFileNames: 'main.mjs' },
    },
  },
});
