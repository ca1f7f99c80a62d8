import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The hub mounts build/web/handler.js on its own HTTP server (server/http.ts),
    // so Socket.IO and the pages share one port and one origin.
    adapter: adapter({ out: 'build/web' }),
    files: {
      src: 'web/src',
      assets: 'web/static',
      lib: 'web/src/lib',
      routes: 'web/src/routes',
      appTemplate: 'web/src/app.html',
      errorTemplate: 'web/src/error.html',
      hooks: { client: 'web/src/hooks.client', server: 'web/src/hooks.server', universal: 'web/src/hooks' },
      params: 'web/src/params',
      serviceWorker: 'web/src/service-worker'
    },
    alias: {
      // The signaling contract and the timestamp strip are shared with the server.
      $protocol: 'server/protocol',
      $strip: 'media/strip.ts'
    }
  }
};
