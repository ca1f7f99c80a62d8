import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The hub mounts build/web/handler.js on its own HTTP server (server/http.ts),
    // so Socket.IO and the pages share one port and one origin.
    adapter: adapter({ out: 'build/web' }),
    // The pages' Content-Security-Policy, sent as a header with a nonce for SvelteKit's inline
    // start-up script. Everything comes from the hub itself: scripts, styles, the Socket.IO
    // connection ('self' covers ws: to the same host and port). Video arrives over WebRTC, which
    // no fetch directive governs. Who may frame the pages is the deployment's, so the hub adds
    // frame-ancestors as a second policy at run time (server/web-security.ts).
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['none'],
        'script-src': ['self'],
        'style-src': ['self'],
        // SvelteKit's route announcer (.svelte-kit/generated/root.svelte) carries one static style
        // attribute; this allows exactly that one (an upgrade that changes it fails the e2e tests).
        'style-src-attr': ['unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'media-src': ['self', 'blob:'],
        'worker-src': ['self'],
        'manifest-src': ['self'],
        'base-uri': ['none'],
        'form-action': ['self'],
        'object-src': ['none']
      }
    },
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
