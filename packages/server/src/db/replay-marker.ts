/**
 * The row of seen_request_ids that a clean stop writes beside the RequestIDs it keeps
 * (http/replay-guard.ts); a start that finds none follows a crash. No RequestID key
 * (`<merchant id>:<32 hex digits>`) can look like it.
 */
export const CLEAN_STOP = '*clean-stop';
