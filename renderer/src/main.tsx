// Renderer entry: one client (IPC or WebSocket), one query cache fed by its pushes, one app store, navigation from the URL hash,
// one React root.
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { followDesktopLinks } from './navigation/desktop-links';
import { createNavigation } from './navigation/navigation-store';
import { NavigationContext } from './navigation/use-navigation';
import { createAppStore } from './store/app-store';
import { AppStoreContext } from './store/use-app';
import { ClientContext } from './transport/client-context';
import { createClient } from './transport/create-client';
import { connectPushToCache, createQueryClient } from './transport/query-cache';
import './styles.css';

const client = createClient();
const store = createAppStore(client);
const queries = createQueryClient();
connectPushToCache(client, queries);
const navigation = createNavigation(window);
followDesktopLinks(window.flowscope, window);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientContext.Provider value={client}>
      <QueryClientProvider client={queries}>
        <AppStoreContext.Provider value={store}>
          <NavigationContext.Provider value={navigation}>
            <App />
          </NavigationContext.Provider>
        </AppStoreContext.Provider>
      </QueryClientProvider>
    </ClientContext.Provider>
  </StrictMode>,
);
