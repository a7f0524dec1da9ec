/** The one way a store runs an operation whose failure it shows rather than throws. */
import type { Ref } from 'vue';
import type { NagareErrorShape } from '../../../src-preload/contract';
import { errorShapeOf } from '../ipc/nagare';

/**
 * Runs `operation` with `error` cleared first; a failure lands in `error` as a shape to show, and the
 * answer is then null instead of a throw at the caller.
 */
export async function failureKept<T>(
  error: Ref<NagareErrorShape | null>,
  operation: () => Promise<T>,
): Promise<T | null> {
  error.value = null;
  try {
    return await operation();
  } catch (caught) {
    error.value = errorShapeOf(caught);
    return null;
  }
}
