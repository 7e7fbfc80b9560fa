/**
 * Thrown by a handler whose work waits on something outside (an SM-DP+ that does not
 * answer): the job is retried after as long again as it has existed (200 ms doubling, capped
 * at a minute) and the runner gives back the attempt its claim counted, so waits never use up
 * the attempts a real failure needs, since nothing failed yet. The handler
 * owns the deadline: it stops throwing this and gives up (fails its work) when waiting
 * longer makes no sense.
 */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
  /** How soon; default as long again as the job has existed (see runner.ts waitMs). */
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
  }
}
