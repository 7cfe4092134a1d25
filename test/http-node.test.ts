/**
 * The HTTP contract (API.md) against the real server on Node, as a child process on a free port,
 * against the run's Redis under a key prefix of its own.
 */
import { contractOverHttp } from './contract/index.ts';

contractOverHttp('node');
