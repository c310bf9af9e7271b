/** Every emitter, in one place: each turns the IR of one protocol into some of generated/<protocol>/. */
import { clientEmitter } from './emit-client.js';
import { docsEmitter } from './emit-docs.js';
import { eventsEmitter } from './emit-events.js';
import { protocolJsonEmitter } from './emit-protocol-json.js';
import { typesEmitter } from './emit-types.js';
import { validatorsEmitter } from './emit-validators.js';
import type { Emitter } from './emit.js';

export const EMITTERS: readonly Emitter[] = [typesEmitter, validatorsEmitter, clientEmitter, eventsEmitter, docsEmitter, protocolJsonEmitter];
