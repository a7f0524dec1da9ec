import { createPinia } from 'pinia';
import { createApp, type Component } from 'vue';
import App from './App.vue';
import { createI18nPlugin } from './i18n';
import QuickAskApp from './QuickAskApp.vue';
import './styles/base.css';

// One renderer bundle serves both windows; the quick-ask window is loaded with #quick-ask.
const root: Component = window.location.hash === '#quick-ask' ? QuickAskApp : App;
createApp(root).use(createPinia()).use(createI18nPlugin()).mount('#app');
