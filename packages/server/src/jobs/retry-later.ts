/**
 * Thrown by a handler whose work waits on something outside (an SM-DP+ that does not
 * answer): the job is retried with the usual backoff (capped at a minute) but the attempt
 * does not count towards the job's attempts limit, since nothing failed yet. The handler
 * owns the deadline: it stops throwing this and gives up (fails its work) when waiting
 * longer makes no sense.
 */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
  /** How soon; default the backoff of the job's attempts so far. */
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
  }
}
