// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { effectScope, ref } from 'vue';
import type { AttachmentView } from '../../../src-preload/contract';
import { ATTACHMENT_LIMITS } from '../../../src-preload/contract/types';
import { fail, installFakeNagare, ok } from '../testing/fakeNagare';
import { useComposerAttachments } from './useComposerAttachments';

function viewOf(name: string, bytes: number): AttachmentView {
  return {
    id: name.padEnd(64, '0').slice(0, 64),
    name,
    kind: 'text',
    mimeType: 'text/plain',
    bytes,
    width: null,
    height: null,
    pages: null,
    textChars: bytes,
  };
}

function setUp() {
  const fake = installFakeNagare({
    attachments: {
      add: ({ name, bytes }) =>
        name.endsWith('.bin')
          ? fail({ code: 'attachment_invalid', message: `“${name}” is not a text file, an image or a PDF.` })
          : ok(viewOf(name, bytes.byteLength)),
    },
  });
  const place = ref('c1');
  const scope = effectScope();
  const files = scope.run(() => useComposerAttachments(place))!;
  return { fake, place, files };
}

const textFile = (name: string, text = 'hello') => new File([text], name, { type: 'text/plain' });

describe('useComposerAttachments', () => {
  it('keeps each place’s files apart, and sends the bytes main checks', async () => {
    const { fake, place, files } = setUp();
    await files.add([textFile('a.md'), textFile('b.csv', 'x,y')]);
    expect(files.pending.value.map((item) => [item.name, item.status])).toEqual([
      ['a.md', 'ready'],
      ['b.csv', 'ready'],
    ]);
    expect(fake.api.attachments.add.mock.calls[1]?.[0].bytes).toEqual(new TextEncoder().encode('x,y'));
    place.value = 'c2';
    expect(files.pending.value).toEqual([]);
    place.value = 'c1';
    expect(files.refs.value.map((ref) => ref.name)).toEqual(['a.md', 'b.csv']);
    files.clear('c1');
    expect(files.pending.value).toEqual([]);
  });

  it('says why a file was not attached, and how many fit', async () => {
    const { files } = setUp();
    await files.add([textFile('data.bin')]);
    expect(files.problem.value).toEqual({
      kind: 'refused',
      message: '“data.bin” is not a text file, an image or a PDF.',
    });
    expect(files.pending.value).toEqual([]);
    await files.add(Array.from({ length: ATTACHMENT_LIMITS.files + 2 }, (_, index) => textFile(`f${index}.txt`)));
    await flushPromises();
    expect(files.pending.value).toHaveLength(ATTACHMENT_LIMITS.files);
    expect(files.problem.value).toEqual({ kind: 'tooMany' });
  });
});
