/** A response object already serialised (cached package lists): spliced into the envelope as is. */
export class RawJson {
  /** The envelopes around it by success code, built on first send: a cached answer is sent many times. */
  private readonly envelopes = new Map<string, Buffer>();

  constructor(readonly json: string) {}

  /** This object inside the envelope `wrap` builds for `code`, built once. */
  enveloped(code: string, wrap: (json: string) => string): Buffer {
    let envelope = this.envelopes.get(code);
    if (!envelope) {
      envelope = Buffer.from(wrap(this.json));
      this.envelopes.set(code, envelope);
    }
    return envelope;
  }
}
