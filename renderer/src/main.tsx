// Renderer entry: one client (IPC or WebSocket), one store, one React root.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createAppStore } from './store/app-store';
import { AppStoreContext } from './store/use-app';
import { createClient } from './transport/create-client';
import './styles.css';

const store = createAppStore(createClient());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppStoreContext.Provider value={store}>
      <App />
    </AppStoreContext.Provider>
  </StrictMode>,
);
