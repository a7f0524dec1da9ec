import type { NagareApi } from '../src-preload/contract';

declare global {
  interface Window {
    readonly nagare: NagareApi;
  }
}
