/**
 * The hostile corpus on the component stream framed by StanzaFramer, each stanza read by the
 * strict parse of its text, as a sharded Herald reads it (see corpus-stream-run.ts).
 */
import { runCorpusOnStream } from './corpus-stream-run.js';

runCorpusOnStream(true);
