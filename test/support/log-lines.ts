/**
 * Writes two log lines through the service's logger and exits: run by test/log.test.ts on Node and
 * Deno, with and without a terminal, to see what reaches stderr (pretty or JSON).
 */
import { createLogger } from '../../src/log.ts';

const log = createLogger('info');
log.info('first line', { password: 'log-lines-secret', books: 3 });
log.child({ reqId: 'log-lines-id' }).warn('second line');
