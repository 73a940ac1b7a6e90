/** The hostile corpus on the component stream read by StreamParser (see corpus-stream-run.ts). */
import { runCorpusOnStream } from './corpus-stream-run.js';

runCorpusOnStream(false);
