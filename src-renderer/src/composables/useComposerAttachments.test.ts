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
          ? fail({
              code: 'attachment_invalid',
              message: `“${name}” is not a text file, an image or a PDF.`,
              reason: 'file_unsupported',
              file: name,
            })
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
      error: expect.objectContaining({ code: 'attachment_invalid', reason: 'file_unsupported', file: 'data.bin' }),
    });
    expect(files.pending.value).toEqual([]);
    await files.add(Array.from({ length: ATTACHMENT_LIMITS.files + 2 }, (_, index) => textFile(`f${index}.txt`)));
    await flushPromises();
    expect(files.pending.value).toHaveLength(ATTACHMENT_LIMITS.files);
    expect(files.problem.value).toEqual({ kind: 'tooMany' });
  });

  it('saves each place’s kept files with its draft as they are added, removed and sent', async () => {
    const { fake, place, files } = setUp();
    await files.add([textFile('a.md'), textFile('b.csv')]);
    const saved = () => fake.api.drafts.set.mock.calls.map(([input]) => input);
    expect(saved().at(-1)).toEqual({
      key: 'c1',
      attachments: [
        { id: viewOf('a.md', 5).id, name: 'a.md' },
        { id: viewOf('b.csv', 5).id, name: 'b.csv' },
      ],
    });
    files.remove(files.pending.value[0]!.key);
    expect(saved().at(-1)).toEqual({ key: 'c1', attachments: [{ id: viewOf('b.csv', 5).id, name: 'b.csv' }] });
    // A file added in one place and kept after the user moved on is saved to its own place.
    const adding = files.add([textFile('late.txt')]);
    place.value = 'c2';
    await adding;
    expect(saved().at(-1)).toEqual({
      key: 'c1',
      attachments: [
        { id: viewOf('b.csv', 5).id, name: 'b.csv' },
        { id: viewOf('late.txt', 5).id, name: 'late.txt' },
      ],
    });
    files.clear('c1');
    expect(saved().at(-1)).toEqual({ key: 'c1', attachments: [] });
    // A refused file is never saved.
    const calls = saved().length;
    await files.add([textFile('data.bin')]);
    expect(saved()).toHaveLength(calls);
  });

  it('restores a place’s saved files once, before files added meanwhile, with thumbnails of the stored bytes', async () => {
    const { fake, place, files } = setUp();
    const image: AttachmentView = {
      ...viewOf('shot.png', 900),
      kind: 'image',
      mimeType: 'image/png',
      width: 320,
      height: 200,
      textChars: null,
    };
    fake.api.attachments.read.mockReturnValue(ok(new Uint8Array([137, 80, 78, 71])));
    await files.add([textFile('added-first.md')]);
    files.restore('c1', [image, viewOf('notes.md', 40)]);
    await flushPromises();
    expect(files.pending.value.map((item) => [item.name, item.status])).toEqual([
      ['shot.png', 'ready'],
      ['notes.md', 'ready'],
      ['added-first.md', 'ready'],
    ]);
    expect(files.pending.value[0]?.thumbnailUrl).toMatch(/^blob:/);
    expect(fake.api.attachments.read).toHaveBeenCalledWith({ id: image.id });
    // The merged list is saved, so the file added before the answer is not lost.
    expect(fake.api.drafts.set.mock.calls.at(-1)?.[0].attachments?.map((ref) => ref.name)).toEqual([
      'shot.png',
      'notes.md',
      'added-first.md',
    ]);
    // A second answer for the same place (the user came back to it) does not bring removed files back.
    files.remove(files.pending.value[1]!.key);
    files.restore('c1', [image, viewOf('notes.md', 40)]);
    expect(files.pending.value.map((item) => item.name)).toEqual(['shot.png', 'added-first.md']);
    // Restored into a place not shown: it waits there.
    files.restore('c2', [viewOf('other.txt', 3)]);
    expect(files.pending.value).toHaveLength(2);
    place.value = 'c2';
    expect(files.refs.value).toEqual([{ id: viewOf('other.txt', 3).id, name: 'other.txt' }]);
  });
});
