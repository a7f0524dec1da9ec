// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { defineComponent } from 'vue';
import { createI18nPlugin } from '../i18n';
import { useUiStore } from '../stores/ui';
import { fail, installFakeNagare } from '../testing/fakeNagare';
import { useMessageDelete } from './useMessageDelete';

describe('useMessageDelete', () => {
  it('says a failed delete in the UI language, not in main’s English', async () => {
    installFakeNagare({
      history: {
        deleteMessage: () =>
          fail({ code: 'storage', reason: 'disk_full', message: 'SQLITE_FULL: database or disk is full' }),
      },
    });
    let remove: ReturnType<typeof useMessageDelete>['remove'] = async () => undefined;
    mount(
      defineComponent({
        setup() {
          remove = useMessageDelete().remove;
          return () => null;
        },
      }),
      { global: { plugins: [createPinia(), createI18nPlugin('ja')] } },
    );

    await remove('m-1', 'message');
    await flushPromises();

    expect(useUiStore().toasts.map(({ message, tone }) => ({ message, tone }))).toEqual([
      {
        message:
          '保存できませんでした。ディスクがいっぱいです。空き容量を作ってください。画面上の内容は失われていません。',
        tone: 'error',
      },
    ]);
  });
});
