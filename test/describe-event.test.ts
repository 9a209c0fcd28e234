import { describe, expect, it } from 'vitest';
import { describeAgentEvent } from '../core/agents/describe.js';
import type { AgentEvent } from '../core/agents/events.js';

describe('an agent event in a few words', () => {
  it('describes a todo list by its progress, and a cleared list not at all', () => {
    const todo = (items: { text: string; status: 'pending' | 'in_progress' | 'completed' }[]) => ({ type: 'todo', items, ts: 0 }) as unknown as AgentEvent;
    expect(describeAgentEvent(todo([{ text: 'Inspect', status: 'completed' }, { text: 'Write', status: 'in_progress' }]))).toBe('☐ plan 1/2 — Write');
    expect(describeAgentEvent(todo([{ text: 'Inspect', status: 'completed' }]))).toBe('☐ plan 1/1 — all done');
    expect(describeAgentEvent(todo([]))).toBeUndefined();
  });
});
