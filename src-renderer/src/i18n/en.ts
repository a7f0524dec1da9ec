/** English UI text. Keys are grouped by screen. */
export default {
  app: { name: 'Nagare' },
  sidebar: {
    newChat: 'New chat',
    search: 'Search all history',
    conversations: 'Conversations',
    empty: 'No conversations yet',
  },
  empty: {
    title: 'Start a conversation',
    body: 'Type a message below. Replies stream in as they are written; press Esc to stop one.',
  },
  composer: { label: 'Message', placeholder: 'Message Nagare…', send: 'Send', stop: 'Stop' },
};
