/**
 * The words of the file dialogs main opens, in the UI language: the renderer's catalogues cannot reach
 * them, because the dialog is drawn by the OS from main.
 */

/** The languages the UI speaks. */
export type DialogLanguage = 'en' | 'ja';

/** Titles and file-type names of every file dialog. */
export interface DialogText {
  exportTitle: string;
  importTitle: string;
  backUpTitle: string;
  saveStreamTitle: string;
  openStreamTitle: string;
  markdownFiles: string;
  nagareJsonFiles: string;
  importFiles: string;
  databaseFiles: string;
  streamFiles: string;
}

export const DIALOG_TEXT: Record<DialogLanguage, DialogText> = {
  en: {
    exportTitle: 'Export',
    importTitle: 'Import conversations',
    backUpTitle: 'Back up history',
    saveStreamTitle: 'Save raw stream',
    openStreamTitle: 'Open a raw stream',
    markdownFiles: 'Markdown',
    nagareJsonFiles: 'Nagare JSON',
    importFiles: 'Nagare JSON or ChatGPT export',
    databaseFiles: 'SQLite database',
    streamFiles: 'Server-sent events',
  },
  ja: {
    exportTitle: 'エクスポート',
    importTitle: '会話をインポート',
    backUpTitle: '履歴をバックアップ',
    saveStreamTitle: '生のストリームを保存',
    openStreamTitle: '生のストリームを開く',
    markdownFiles: 'Markdown',
    nagareJsonFiles: 'Nagare JSON',
    importFiles: 'Nagare JSON または ChatGPT のエクスポート',
    databaseFiles: 'SQLite データベース',
    streamFiles: 'Server-Sent Events',
  },
};
