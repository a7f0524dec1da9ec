/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

/** punycode.js (markdown-it's own dependency) ships no types; Nagare uses one function of it. */
declare module 'punycode.js' {
  /** A domain name or e-mail address with its `xn--` labels in Unicode; anything else unchanged. */
  export function toUnicode(input: string): string;
}
