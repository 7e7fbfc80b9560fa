/** A response object already serialised (cached package lists): spliced into the envelope as is. */
export class RawJson {
  constructor(readonly json: string) {}
}
