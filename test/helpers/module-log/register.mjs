// `node --import <this file>`: records every module the process resolves through the ESM loader
// (the bundle's chunks and each package it imports) in the file named by $FLOWSCOPE_MODULE_LOG,
// one URL a line. The CLI imports its packages (commander, ioredis, bullmq, ws, zod) from ESM
// chunks, so each one it loads appears here.
import { register } from 'node:module';

register('./resolve-hook.mjs', import.meta.url);
