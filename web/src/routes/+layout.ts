// The hub is a browser app: tokens live in sessionStorage, the language in localStorage and
// every picture comes over WebRTC, so nothing is rendered on the server.
export const ssr = false;
export const prerender = false;
