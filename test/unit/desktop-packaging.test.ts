// Packaging (issue 10 item 7; security checklist 19): the electron-builder configuration in
// package.json's `build` passes electron-builder's own validation (app-builder-lib's
// validateConfiguration against its scheme.json, what `electron-builder` runs first), and holds
// what the app needs: name, id, icon, version from package.json, the targets, only out/ (and
// the production node_modules electron-builder adds), the flowscope:// scheme and the fuses.
// The build itself needs an Electron binary and is not run here.
import { readFileSync } from 'node:fs';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util/out/DebugLogger.js';
import { describe, expect, it } from 'vitest';
import { DEEP_LINK_SCHEME } from '../../shared/deep-link';

interface PackageJson {
  version: string;
  main: string;
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  build: Record<string, unknown> & {
    files: string[];
    icon: string;
    protocols: { name: string; schemes: string[] }[];
    electronFuses: Record<string, boolean>;
    linux: { target: string[] };
    mac: { target: string[] };
    win: { target: string[] };
  };
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson;
const config = pkg.build;
// The validator coerces types in place: it gets a copy.
const copy = () => JSON.parse(JSON.stringify(config)) as typeof config;

describe('electron-builder configuration', () => {
  it('passes electron-builder\'s own schema validation', async () => {
    await expect(validateConfiguration(copy() as never, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validation is real: an unknown option or a wrong fuse type is refused', async () => {
    await expect(validateConfiguration({ ...copy(), productNmae: 'x' } as never, new DebugLogger(false))).rejects.toThrow(/productNmae/);
    await expect(validateConfiguration({ ...copy(), electronFuses: { runAsNode: 'no' } } as never, new DebugLogger(false))).rejects.toThrow(/runAsNode/);
    await expect(validateConfiguration({ ...copy(), linux: { tagret: ['deb'] } } as never, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
  });

  it('names the app, its id and icon (a 512x512 PNG); the version is package.json\'s', () => {
    expect(config.productName).toBe('Flowscope');
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    const png = readFileSync(config.icon);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(JSON.stringify(config)).not.toMatch(/"(buildVersion|version)"/);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('builds AppImage and deb on Linux, dmg on macOS, nsis on Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('packs only the built app (out/, no source maps) and package.json, into an asar', () => {
    expect(config.files).toEqual(['out/**/*', '!out/**/*.map', 'package.json']);
    expect(pkg.main.startsWith('out/')).toBe(true);
    expect(config.asar).toBe(true);
    // The main bundle's externals are the production dependencies, which electron-builder adds.
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['bullmq', 'ioredis', 'zod']));
  });

  it('declares the flowscope:// scheme to the OS (Info.plist, .desktop, the installer)', () => {
    expect(config.protocols).toEqual([{ name: 'Flowscope link', schemes: [DEEP_LINK_SCHEME] }]);
  });

  it('flips the fuses (security checklist 19)', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('npm run dist builds first, then packages without publishing', () => {
    expect(pkg.scripts.dist).toBe('npm run build && electron-builder --publish never');
  });
});
