// Saved passwords at rest, encrypted with Electron safeStorage (the OS keychain / DPAPI /
// libsecret / kwallet). Where the OS offers no real encryption — none at all, or Linux's
// basic_text fallback, whose key is a constant in Chromium — connections are kept for the
// session only, as in the web host.
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/connection/saved-connections';
import { isSecretStorageUsable } from './guards';

export function safeStorageSecrets(): SecretStore | undefined {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined;
  if (!isSecretStorageUsable(safeStorage.isEncryptionAvailable(), process.platform, backend)) return undefined;
  return {
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (cipher) => safeStorage.decryptString(Buffer.from(cipher, 'base64')),
  };
}
