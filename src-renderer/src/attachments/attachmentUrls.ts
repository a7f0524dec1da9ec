/**
 * `blob:` URLs of stored attachments, read once by id through the bridge and
 * shared by every view that shows them. Ids are content hashes, so a URL never
 * goes stale; the few kept are released when the window closes.
 */
import { bridge, unwrap } from '../ipc/nagare';

const urls = new Map<string, Promise<string>>();

/** A URL for the stored bytes of `id`, of type `mimeType`. */
export function attachmentUrl(id: string, mimeType: string): Promise<string> {
  let url = urls.get(id);
  if (!url) {
    url = unwrap(bridge().attachments.read({ id })).then((bytes) =>
      URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: mimeType })),
    );
    // A failed read is tried again next time.
    url.catch(() => urls.delete(id));
    urls.set(id, url);
  }
  return url;
}
