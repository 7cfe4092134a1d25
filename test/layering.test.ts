/**
 * The lint's check of the layering (scripts/folder-cycles.ts): module graphs folded into folders.
 */
import { describe, expect, it } from 'vitest';
import { findCycle, foldGraph, nodeOf } from '../scripts/folder-cycles.ts';

describe('folder cycles', () => {
  it('folds files into their folder under src/, keeping files directly in src/ apart', () => {
    expect(nodeOf('src/domain/orders.ts')).toBe('src/domain');
    expect(nodeOf('src/app.ts')).toBe('src/app.ts');
    expect(nodeOf('workers/index.ts')).toBe('workers');
  });

  it('finds a cycle made by two files of different folders, naming the imports', () => {
    const edges = foldGraph({
      'src/redis/connect.ts': ['src/lua/load.ts'],
      'src/lua/call.ts': ['src/redis/connect.ts'],
      'src/lua/load.ts': [],
    });
    expect(findCycle(edges)).toEqual(['src/redis', 'src/lua', 'src/redis']);
    expect(edges.get('src/lua')?.get('src/redis')).toBe('src/lua/call.ts → src/redis/connect.ts');
  });

  it('finds none when the imports between folders go one way', () => {
    const edges = foldGraph({
      'src/lua/call.ts': ['src/redis/connect.ts', 'src/lua/codes.ts'],
      'src/redis/connect.ts': ['src/config.ts'],
      'src/app.ts': ['src/lua/call.ts'],
    });
    expect(findCycle(edges)).toBeUndefined();
  });
});
