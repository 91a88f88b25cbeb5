/** A WebAssembly file imported with `?module`: compiled by the bundler (the Cloudflare Vite plugin), not at run time. */
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}
