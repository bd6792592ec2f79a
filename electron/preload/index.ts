// The desktop preload: exposes one function per contract method and onEvent on
// window.flowscope, and onOpenLink for the deep links the main process routes to this window.
// No raw ipcRenderer reaches the renderer.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { METHOD_NAMES, type PushEvent } from '../../shared/contract';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, IPC_LINK_CHANNEL, type PreloadApi } from '../../shared/preload-api';

const api = Object.fromEntries(
  METHOD_NAMES.map((method) => [method, (args: unknown) => ipcRenderer.invoke(IPC_CALL_CHANNEL, method, args)]),
) as Omit<PreloadApi, 'onEvent' | 'onOpenLink'>;

const exposed: PreloadApi = {
  ...api,
  onEvent(listener) {
    const wrapped = (_event: IpcRendererEvent, push: PushEvent) => listener(push);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.off(IPC_EVENT_CHANNEL, wrapped);
  },
  onOpenLink(listener) {
    const wrapped = (_event: IpcRendererEvent, link: unknown) => {
      const { queue, jobId } = (link ?? {}) as Record<string, unknown>;
      if (typeof queue === 'string' && typeof jobId === 'string') listener({ queue, jobId });
    };
    ipcRenderer.on(IPC_LINK_CHANNEL, wrapped);
    return () => ipcRenderer.off(IPC_LINK_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld('flowscope', exposed);
