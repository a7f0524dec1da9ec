import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createI18nPlugin } from './i18n';
import './styles/base.css';

createApp(App).use(createPinia()).use(createI18nPlugin()).mount('#app');
