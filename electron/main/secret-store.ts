// Saved passwords at rest, encrypted with Electron safeStorage (the OS keychain / DPAPI /
// libsecret). Where the OS offers no encryption, connections are kept for the session only.
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/connection/saved-connections';

export function safeStorageSecrets(): SecretStore | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return {
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (cipher) => safeStorage.decryptString(Buffer.from(cipher, 'base64')),
  };
}
