/**
 * The demo's scratch project (issue 9): "textkit", a tiny Node library whose tests run with
 * `node --test` and no install, and the four demo tasks with the edits the demo agent makes for
 * each. Shared by the flow (which writes the project and adds the tasks) and the demo agent.
 */

/** One file the demo agent writes, or a line it appends. */
export interface DemoEdit {
  path: string;
  content: string;
  append?: boolean;
}

/** A demo task: what `task add` gets, and what the demo agent does for it. */
export interface DemoTask {
  slug: string;
  title: string;
  goal: string;
  files: string[];
  deps: string[];
  /** The first attempt's edits. */
  edits: DemoEdit[];
  /** When set, the first attempt is buggy (its tests fail) and a fix (a resumed session) writes these. */
  fix?: DemoEdit[];
}

const test = (name: string, body: string) => `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n${body.replace('NAME', name)}`;

/** The files of the scratch repo's first commit. */
export const PROJECT_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'textkit', version: '1.0.0', private: true, type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
  '.gitignore': 'node_modules/\n',
  'README.md': '# textkit\n\nSmall text helpers (a codex-agent demo project).\n',
  'lib/words.js': "import { splitWords } from 'demo-words';\n\n/** The words of a text. */\nexport function words(text) {\n  return splitWords(text);\n}\n",
  'lib/index.js': "export { words } from './words.js';\n",
  'test/words.test.js': test('', "import { words } from '../lib/index.js';\n\ntest('words splits on whitespace', () => {\n  assert.deepEqual(words('  a  b c '), ['a', 'b', 'c']);\n});\n"),
};

/**
 * Untracked files (a dependency under node_modules): a new worktree has them only because
 * codex-agent hydrates it from the main checkout, so the tests pass there.
 */
export const UNTRACKED_FILES: Record<string, string> = {
  'node_modules/demo-words/package.json': `${JSON.stringify({ name: 'demo-words', version: '1.0.0', type: 'module', main: 'index.js' })}\n`,
  'node_modules/demo-words/index.js': 'export const splitWords = (text) => text.trim().split(/\\s+/).filter(Boolean);\n',
};

const titleCase = (body: string) => `import { words } from './words.js';\n\n/** Every word capitalised. */\nexport function titleCase(text) {\n  return words(text).map((w) => ${body}).join(' ');\n}\n`;

/** The demo tasks, in plan order. */
export const DEMO_TASKS: DemoTask[] = [
  {
    slug: 'slugify',
    title: 'Add slugify',
    goal: 'Add slugify(text) in lib/slugify.js: the lowercase words joined by "-", punctuation dropped. Export it from lib/index.js and test it.',
    files: ['lib/slugify.js', 'test/slugify.test.js'],
    deps: [],
    edits: [
      { path: 'lib/slugify.js', content: "import { words } from './words.js';\n\n/** A URL-friendly slug. */\nexport function slugify(text) {\n  return words(text.toLowerCase().replace(/[^a-z0-9\\s]/g, ' ')).join('-');\n}\n" },
      { path: 'test/slugify.test.js', content: test('', "import { slugify } from '../lib/index.js';\n\ntest('slugify', () => {\n  assert.equal(slugify('Hello, World!'), 'hello-world');\n});\n") },
      { path: 'lib/index.js', content: "export { slugify } from './slugify.js';\n", append: true },
    ],
  },
  {
    slug: 'title-case',
    title: 'Add titleCase',
    goal: 'Add titleCase(text) in lib/title-case.js: every word capitalised, the rest lowercase. Export it from lib/index.js and test it.',
    files: ['lib/title-case.js', 'test/title-case.test.js'],
    deps: [],
    edits: [
      { path: 'lib/title-case.js', content: titleCase('w[0].toUpperCase() + w.slice(1)') },
      { path: 'test/title-case.test.js', content: test('', "import { titleCase } from '../lib/index.js';\n\ntest('titleCase', () => {\n  assert.equal(titleCase('hello WORLD'), 'Hello World');\n});\n") },
      { path: 'lib/index.js', content: "export { titleCase } from './title-case.js';\n", append: true },
    ],
    fix: [{ path: 'lib/title-case.js', content: titleCase('w[0].toUpperCase() + w.slice(1).toLowerCase()') }],
  },
  {
    slug: 'cli',
    title: 'Add a command line',
    goal: 'Add bin/textkit.js: `textkit slug <text>` prints slugify(text), `textkit title <text>` prints titleCase(text). Test it.',
    files: ['bin/textkit.js', 'test/cli.test.js'],
    deps: ['slugify', 'title-case'],
    edits: [
      { path: 'bin/textkit.js', content: "#!/usr/bin/env node\nimport { slugify, titleCase } from '../lib/index.js';\n\nconst [command, ...rest] = process.argv.slice(2);\nconst text = rest.join(' ');\nconst run = { slug: slugify, title: titleCase }[command];\nif (!run) {\n  console.error('usage: textkit slug|title <text>');\n  process.exit(2);\n}\nconsole.log(run(text));\n" },
      { path: 'test/cli.test.js', content: test('', "import { execFileSync } from 'node:child_process';\n\ntest('textkit slug and title', () => {\n  const run = (...args) => execFileSync(process.execPath, ['bin/textkit.js', ...args], { encoding: 'utf8' }).trim();\n  assert.equal(run('slug', 'Hello World'), 'hello-world');\n  assert.equal(run('title', 'hello world'), 'Hello World');\n});\n") },
    ],
  },
  {
    slug: 'docs',
    title: 'Document the library',
    goal: 'Describe every function and the command line in README.md, with examples.',
    files: ['README.md'],
    deps: ['cli'],
    edits: [
      { path: 'README.md', content: "# textkit\n\nSmall text helpers (a codex-agent demo project).\n\n- `words(text)` — the words of a text\n- `slugify(text)` — `slugify('Hello, World!')` → `hello-world`\n- `titleCase(text)` — `titleCase('hello WORLD')` → `Hello World`\n\nCommand line: `node bin/textkit.js slug|title <text>`.\n" },
    ],
  },
];

/** The demo task whose title is `title`. */
export function demoTaskByTitle(title: string): DemoTask | undefined {
  return DEMO_TASKS.find((task) => task.title === title.trim());
}
