import { Text, useInput } from 'ink';
import type { InputPurpose } from './store.js';
import { useDashboard, useDashboardStore } from './useDashboard.js';

export interface InputLineProps {
  width: number;
  /** Called with the text on Enter. */
  onSubmit: (purpose: InputPurpose, text: string, target: string | null) => void;
  /** Says what the text is for, instead of the purpose's usual words. */
  prompt?: string;
}

const PROMPTS: Record<InputPurpose, string> = { answer: 'Answer', new: 'New task title', filter: 'Filter' };

/** A one-line text input that takes every key while it is open (Enter submits, Esc cancels). */
export function InputLine({ width, onSubmit, prompt: label }: InputLineProps) {
  const store = useDashboardStore();
  const mode = useDashboard((s) => s.mode);
  const target = mode.kind === 'input' && mode.target ? store.getState().tasks.find((t) => t.key === mode.target)?.task.slug : undefined;
  useInput((input, key) => {
    const m = store.getState().mode;
    if (m.kind !== 'input') return;
    if (key.escape) {
      store.setState({ mode: { kind: 'list' }, ...(m.purpose === 'filter' ? { filter: '' } : {}) });
      return;
    }
    if (key.return) {
      store.setState({ mode: { kind: 'list' } });
      onSubmit(m.purpose, m.text, m.target);
      return;
    }
    const text = key.backspace || key.delete ? m.text.slice(0, -1) : key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow ? m.text : m.text + input;
    store.setState({ mode: { ...m, text }, ...(m.purpose === 'filter' ? { filter: text } : {}) });
  });
  if (mode.kind !== 'input') return null;
  const prompt = `${label ?? PROMPTS[mode.purpose]}${target ? ` ${target}` : ''}: `;
  const room = Math.max(1, width - prompt.length - 1);
  return (
    <Text wrap="truncate">
      <Text bold color="cyan">{prompt}</Text>
      {mode.text.slice(-room)}
      <Text inverse> </Text>
    </Text>
  );
}
