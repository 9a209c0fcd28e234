import { Box, useInput } from 'ink';
import { useEffect, useState } from 'react';
import type { TaskView } from '../core/dashboard/task-view.js';
import { DetailPane } from './DetailPane.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { InputLine } from './InputLine.js';
import { bindingActs, bindingFor, keyName, type CommandId, type KeyContext } from './keybindings.js';
import { layoutFor } from './layout.js';
import { StatusBar } from './StatusBar.js';
import { cycleGrouping, ensureSelection, moveSelection, selectedTask, setStatus, type DashboardStore, type InputPurpose } from './store.js';
import { TaskList } from './TaskList.js';
import { StoreContext, useDashboard } from './useDashboard.js';

/** What the keys do beyond moving around: each runs the same core code as its CLI command. */
export interface DashboardActions {
  launch(view: TaskView): void;
  /** The repo's next wave (manager launch). */
  launchWave(): void;
  stop(view: TaskView): void;
  answer(view: TaskView, text: string): void;
  validate(view: TaskView): void;
  mergeCheck(view: TaskView): void;
  resolve(view: TaskView): void;
  complete(view: TaskView): void;
  addTask(title: string): void;
  /** Adds the task with its goal in a stub file and opens the stub in the editor. */
  addTaskWithStub(title: string): void;
  shell(view: TaskView): void;
  editor(view: TaskView): void;
  diff(view: TaskView): void;
  quit(): void;
}

export interface AppProps {
  store: DashboardStore;
  actions: DashboardActions;
  /** The terminal's size: the root box is exactly this big. */
  width: number;
  height: number;
  /** The dashboard shows one repo (default); false with --all-repos, where repo keys (L, n, N) refuse. */
  repoScoped?: boolean;
}

/** The whole dashboard: header, task list with its detail pane (or help), status line, footer. */
export function App(props: AppProps) {
  return (
    <StoreContext.Provider value={props.store}>
      <Screen {...props} />
    </StoreContext.Provider>
  );
}

/** Ticks once a second while some task runs (elapsed times), never when all is idle. */
function useClock(): number {
  const anyRunning = useDashboard((s) => s.tasks.some((t) => t.task.status === 'running'));
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [anyRunning]);
  return now;
}

function Screen({ store, actions, width, height, repoScoped = true }: AppProps) {
  const mode = useDashboard((s) => s.mode.kind);
  // Whether the open title line is N's (a stub opened in the editor) rather than n's.
  const [withStub, setWithStub] = useState(false);
  const detailOpen = useDashboard((s) => s.detailOpen);
  const now = useClock();
  const layout = layoutFor(width, height, detailOpen);

  const run = (command: CommandId, view: TaskView | undefined) => {
    const page = Math.max(1, layout.list.height - 2);
    switch (command) {
      case 'up': return moveSelection(store, -1);
      case 'down': return moveSelection(store, 1);
      case 'pageUp': return moveSelection(store, -page);
      case 'pageDown': return moveSelection(store, page);
      case 'top': return moveSelection(store, -Infinity);
      case 'bottom': return moveSelection(store, Infinity);
      case 'detail': return store.setState((s) => ({ detailOpen: !s.detailOpen, focus: 'list' }));
      case 'focus': return store.setState((s) => ({ focus: s.focus === 'list' && s.detailOpen ? 'detail' : 'list' }));
      case 'group': cycleGrouping(store); return ensureSelection(store);
      case 'help': return store.setState({ mode: { kind: 'help' } });
      case 'filter': return openInput('filter', store.getState().filter, null);
      case 'new': setWithStub(false); return openInput('new', '', null);
      case 'newWithStub': setWithStub(true); return openInput('new', '', null);
      case 'answer': return openInput('answer', '', view?.key ?? null);
      case 'quit': return actions.quit();
      case 'shell': return view && actions.shell(view);
      case 'editor': return view && actions.editor(view);
      case 'diff': return view && actions.diff(view);
      case 'launch': return view && actions.launch(view);
      case 'launchWave': return actions.launchWave();
      case 'stop': return view && actions.stop(view);
      case 'validate': return view && actions.validate(view);
      case 'mergeCheck': return view && actions.mergeCheck(view);
      case 'resolve': return view && actions.resolve(view);
      case 'complete': return view && actions.complete(view);
    }
  };
  const openInput = (purpose: InputPurpose, text: string, target: string | null) => store.setState({ mode: { kind: 'input', purpose, text, target } });

  useInput(
    (input, key) => {
      // Keys typed faster than the terminal is read arrive together ("jjj"): each one counts.
      if (input.length > 1 && !key.ctrl && !key.meta && [...input].length > 1) {
        for (const char of input) onKey(char, key);
        return;
      }
      onKey(input, key);
    },
    { isActive: mode === 'list' },
  );

  function onKey(input: string, key: Parameters<typeof keyName>[1]) {
      const name = keyName(input, key);
      const state = store.getState();
      if (state.focus === 'detail' && ['up', 'down', 'k', 'j', 'pageup', 'pagedown'].includes(name)) {
        const step = name.startsWith('page') ? layout.detail.height - 2 : 1;
        const delta = name === 'up' || name === 'k' || name === 'pageup' ? -step : step;
        store.setState({ detailScroll: Math.max(0, state.detailScroll + delta) });
        return;
      }
      if (name === 'esc') {
        store.setState({ status: null, focus: 'list', ...(state.filter ? { filter: '' } : {}) });
        return ensureSelection(store);
      }
      const binding = bindingFor(name);
      if (!binding) return;
      const view = selectedTask(state);
      const context: KeyContext = { repoScoped, tasks: state.tasks };
      if (!bindingActs(binding, view, context)) {
        setStatus(store, binding.refusal?.(view, context) ?? 'not now', 'warn');
        return;
      }
      run(binding.command, view);
  }

  const submit = (purpose: InputPurpose, text: string, target: string | null) => {
    const value = text.trim();
    if (purpose === 'filter') return ensureSelection(store);
    if (!value) return setStatus(store, purpose === 'new' ? 'no title: nothing added' : 'empty answer: nothing sent', 'warn');
    if (purpose === 'new') return withStub ? actions.addTaskWithStub(value) : actions.addTask(value);
    const view = store.getState().tasks.find((t) => t.key === target);
    if (view) actions.answer(view, value);
  };

  return (
    <Box width={width} height={height} flexDirection="column" overflowY="hidden">
      <Header width={width} height={layout.header} />
      {mode === 'help' ? (
        <HelpOverlay width={width} height={layout.body} />
      ) : (
        <Box width={width} height={layout.body} flexDirection={layout.side ? 'row' : 'column'} overflowY="hidden">
          <TaskList width={layout.list.width} height={layout.list.height} now={now} />
          {layout.detail.height > 0 && layout.detail.width > 0 ? <DetailPane width={layout.detail.width} height={layout.detail.height} /> : null}
        </Box>
      )}
      <Box width={width} height={1} overflowY="hidden">
        {mode === 'input' ? <InputLine width={width} onSubmit={submit} prompt={withStub ? 'New task title (its stub opens in $EDITOR)' : undefined} /> : <StatusBar />}
      </Box>
      {layout.footer ? (
        <Box width={width} height={1} overflowY="hidden">
          <Footer width={width} repoScoped={repoScoped} />
        </Box>
      ) : null}
    </Box>
  );
}
