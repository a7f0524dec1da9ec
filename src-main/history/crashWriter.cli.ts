/**
 * Test helper run as a child process by `crash.test.ts`: streams a reply into
 * the database in `argv[2]`, flushing every few milliseconds and printing
 * `flushed <n>` after each committed flush, until it is killed.
 */
import { randomUUID } from 'node:crypto';
import { openHistoryDatabase } from './database';
import { HistoryRepository } from './HistoryRepository';

const directory = process.argv[2];
if (!directory) throw new Error('usage: crashWriter.cli.ts <directory>');
const opened = openHistoryDatabase({ directory, now: Date.now });
const repo = new HistoryRepository(opened.db, Date.now, randomUUID);
const conversation = repo.createConversation({ title: 'crash test' });
const user = repo.addUserMessage(conversation.id, null, 'tell me a long story');
const reply = repo.beginAssistantMessage(conversation.id, user.id, 'model');
process.stdout.write(`message ${reply.id}\n`);
let tokens = 0;
let content = '';
setInterval(() => {
  for (let i = 0; i < 5; i++) content += `t${++tokens} `;
  repo.appendOrFlush(reply.id, { content });
  process.stdout.write(`flushed ${tokens}\n`);
}, 5);
