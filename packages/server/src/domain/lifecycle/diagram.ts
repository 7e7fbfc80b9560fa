import { ALLOCATED } from './states.js';
import { transitions, type LifecycleEvent } from './transitions.js';

// The transition table drawn as two Mermaid state diagrams (docs/architecture.md shows them,
// and a test keeps the document equal to what this makes from the table).

type Field = 'esim' | 'smdp';

/** Each (from, to) move of one field, with the events that make it, in table order. */
function edges(field: Field): Map<string, LifecycleEvent[]> {
  const moves = new Map<string, LifecycleEvent[]>();
  for (const t of transitions) {
    const to = field === 'esim' ? t.esimTo : t.smdpTo;
    if (to === 'same') continue;
    for (const from of field === 'esim' ? t.esimFrom : t.smdpFrom) {
      const key = `${from} --> ${to}`;
      const events = moves.get(key) ?? [];
      if (!events.includes(t.event)) events.push(t.event);
      moves.set(key, events);
    }
  }
  return moves;
}

export function lifecycleDiagram(field: Field): string {
  const start = field === 'esim' ? ALLOCATED.esimStatus : ALLOCATED.smdpStatus;
  const lines = ['stateDiagram-v2', `  [*] --> ${start}: allocation`];
  for (const [move, events] of edges(field)) lines.push(`  ${move}: ${events.join(', ')}`);
  return lines.join('\n');
}
