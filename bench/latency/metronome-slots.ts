/** The metronome's shared Int32Array (metronome.ts, metronome-worker.ts), slot by slot. */
/** 1 ends the current schedule early; the worker sleeps on this slot, so raising it wakes it. */
export const STOP = 0;
/** Sends the main thread has made so far in the current schedule. */
export const SENT = 1;
export const SLOTS = 2;
