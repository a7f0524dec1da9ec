import { describe, expect, it } from 'vitest';
import type { NagareErrorShape } from '../../src-preload/contract/errors';
import { errorFromColumns, errorMessageColumn } from './rows';

describe('a failed reply’s error columns', () => {
  it('keep the facts the UI needs to say the failure in another language', () => {
    const shape: NagareErrorShape = {
      code: 'timeout',
      message: 'The reply stalled.',
      reason: 'idle_timeout',
      host: 'api.example.com',
      limitSeconds: 60,
      status: 200,
    };
    expect(errorFromColumns(shape.code, errorMessageColumn(shape))).toEqual(shape);
  });

  it('read rows written before facts were stored, and damaged JSON, as a plain message', () => {
    expect(errorFromColumns('network', 'Could not reach host.')).toEqual({
      code: 'network',
      message: 'Could not reach host.',
    });
    expect(errorFromColumns('network', '{not json')).toEqual({ code: 'network', message: '{not json' });
    expect(errorFromColumns('made_up', null)).toEqual({ code: 'internal', message: '' });
    expect(errorFromColumns(null, 'anything')).toBeNull();
  });

  it('drop stored fields of the wrong type or an unknown reason instead of trusting them', () => {
    const text = JSON.stringify({ message: 'm', reason: 'nonsense', host: 42, limitSeconds: 'x', serverMessage: 's' });
    expect(errorFromColumns('server', text)).toEqual({ code: 'server', message: 'm', serverMessage: 's' });
  });

  it('stay a plain message when there are no facts', () => {
    expect(errorMessageColumn({ code: 'internal', message: 'Oops.' })).toBe('Oops.');
    expect(errorMessageColumn(null)).toBeNull();
  });
});
