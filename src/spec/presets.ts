/** Typed loaders for each kind of preset. */
import { loadPreset, overridePaths } from './load.js';
import { MemoryPresetSchema, resolveMemory, type MemorySpec } from './memory.js';

export function loadMemory(nameOrPath: string, sets: readonly string[] = []): MemorySpec {
  const { file, value } = loadPreset('memory', nameOrPath, MemoryPresetSchema, sets);
  return resolveMemory(value, file, overridePaths(sets));
}
