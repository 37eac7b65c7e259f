/**
 * The preload: `node --import @catalyst/tracing/register app.js` (or
 * `--require`, or NODE_OPTIONS). Starts the agent before the app's first import,
 * from environment variables alone. It must never stop the app: any failure is
 * one line on stderr and the app runs untraced.
 */
import { startAgent } from './src/agent';
import { reportInternalError } from './src/diagnostics/report';

try {
  startAgent({}, 'preload');
} catch (error) {
  reportInternalError('start-up', error);
}
