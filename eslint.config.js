// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Input validation matches control characters on purpose (slugs, branch names, titles).
      'no-control-regex': 'off',
    },
  },
  {
    // The engine has no UI and never reaches up into the faces built on it (STYLE.md, rule 1).
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react/*', 'ink', 'ink/*', 'ink-*', '@alcalzone/ink-table'], message: 'core/ must not import React or Ink: put UI code in ui/.' },
          { group: ['**/src/**', '../src/*', '../../src/*', '**/ui/**', '../ui/*', '../../ui/*'], message: 'core/ must not import from src/ or ui/: layers point down only.' },
        ],
      }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']", message: 'core/ never exits the process: throw a CodexAgentError.' },
        { selector: "CallExpression[callee.object.name='console']", message: 'core/ never prints: return data or emit an event.' },
      ],
    },
  },
);
