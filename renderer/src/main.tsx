// Renderer entry: one client (IPC or WebSocket), one app store, navigation from the URL hash,
// one React root.
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
import './styles.css';

const client = createClient();
const store = createAppStore(client);
const navigation = createNavigation(window);
followDesktopLinks(window.flowscope, window);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientContext.Provider value={client}>
      <AppStoreContext.Provider value={store}>
        <NavigationContext.Provider value={navigation}>
          <App />
        </NavigationContext.Provider>
      </AppStoreContext.Provider>
    </ClientContext.Provider>
  </StrictMode>,
);
