import { createPinia } from 'pinia';
import { createApp, type Component } from 'vue';
import App from './App.vue';
import { createI18nPlugin } from './i18n';
import QuickAskApp from './QuickAskApp.vue';
import { useInspectorStore } from './stores/inspector';
import './styles/base.css';

// One renderer bundle serves both windows; the quick-ask window is loaded with #quick-ask.
const root: Component = window.location.hash === '#quick-ask' ? QuickAskApp : App;
const pinia = createPinia();
const app = createApp(root).use(pinia).use(createI18nPlugin());
// Made before any component, so that its watcher holds no component alive (see the store).
if (root === App) useInspectorStore(pinia);
app.mount('#app');
