/**
 * Preload (sandboxed, CommonJS): tells the renderer it runs inside the Argus shell. The renderer
 * works the same in a plain browser, so nothing here is required.
 */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('argusShell', { kind: 'electron', version: process.versions.electron });
