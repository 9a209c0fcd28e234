// npm run docs:config — rewrites the configuration reference in README.md from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { configReference, REFERENCE_END, REFERENCE_START } from '../dist/core/config/reference.js';

const file = new URL('../README.md', import.meta.url);
const text = readFileSync(file, 'utf8');
const start = text.indexOf(REFERENCE_START);
const end = text.indexOf(REFERENCE_END);
if (start < 0 || end < start) throw new Error('README.md has no config reference markers');
writeFileSync(file, `${text.slice(0, start + REFERENCE_START.length)}\n${configReference()}\n${text.slice(end)}`);
console.log('README.md: configuration reference updated');
