/**
 * One inbound XML stream (RFC 6120 §4: one per TCP connection of a component link), the unit a
 * stream error closes. A host that hands Herald its stanzas as text names the stream each came
 * on, so that after one of them is refused for a stream error nothing later on that stream is
 * acted on (§4.9: "the stream is closed ... nothing more is processed"), wherever it was handed.
 */
let last = 0;

export class InboundStream {
  /** Unique in the process (names the stream to the shards). */
  readonly id = ++last;
}
