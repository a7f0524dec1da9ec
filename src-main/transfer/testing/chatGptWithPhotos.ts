/**
 * One conversation as ChatGPT's `conversations.json` writes it when the user
 * sent photos: a `multimodal_text` question with an `image_asset_pointer` per
 * photo (named in `metadata.attachments` when `named`), and a text answer.
 */
export function chatGptConversationWithPhotos(options: {
  id: string;
  title: string;
  question: string;
  answer: string;
  /** Asset ids (`file-…`), in order, with the name the export gives each, or null for none. */
  photos: Array<{ assetId: string; name: string | null }>;
}): Record<string, unknown> {
  return {
    title: options.title,
    conversation_id: options.id,
    create_time: 1_700_000_000,
    mapping: {
      q: {
        parent: null,
        message: {
          author: { role: 'user' },
          create_time: 1_700_000_000,
          content: {
            content_type: 'multimodal_text',
            parts: [
              ...options.photos.map((photo) => ({
                content_type: 'image_asset_pointer',
                asset_pointer: `file-service://${photo.assetId}`,
              })),
              options.question,
            ],
          },
          metadata: {
            attachments: options.photos
              .filter((photo) => photo.name !== null)
              .map((photo) => ({ id: photo.assetId, name: photo.name, mime_type: 'image/png' })),
          },
        },
      },
      a: {
        parent: 'q',
        message: {
          author: { role: 'assistant' },
          create_time: 1_700_000_020,
          content: { content_type: 'text', parts: [options.answer] },
        },
      },
    },
  };
}
