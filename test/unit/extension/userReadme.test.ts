// The user README (docs/EXTENSION-README.md, packaged as the extension's details page) states each
// setting's default in its settings table: every value there is the one package.json declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
}

const properties = (JSON.parse(readFileSync('package.json', 'utf8')) as Manifest).contributes.configuration.properties;

/** The setting names of a table cell: `a.b.c` in full, `.d` after it as a sibling (a.b.d). */
function settingNames(cell: string): string[] {
  const names: string[] = [];
  for (const [, token] of cell.matchAll(/`([^`]+)`/g)) {
    const previous = names[names.length - 1];
    names.push(token!.startsWith('.') && previous !== undefined ? previous.slice(0, previous.lastIndexOf('.')) + token : token!);
  }
  return names;
}

/** A default as the table writes it: `a`, `b` (a list of ids), on/off, a number. */
function parseDefault(text: string, declared: unknown): unknown {
  const ids = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  if (ids.length > 0) return Array.isArray(declared) ? ids : ids.join(', ');
  if (text === 'on' || text === 'off') return text === 'on';
  return Number(text);
}

test('every default in the user README\'s settings table is the one package.json declares', { timeout: 5000 }, () => {
  const readme = readFileSync('docs/EXTENSION-README.md', 'utf8');
  const table = readme.slice(readme.indexOf('## Settings'));
  const rows = table.split('\n').filter((line) => /^\| `resilientClaude\./.test(line));
  assert.ok(rows.length >= 10, `the settings table has its rows (${rows.length})`);
  let compared = 0;
  for (const row of rows) {
    const [, nameCell = '', defaultCell = ''] = row.split('|').map((cell) => cell.trim());
    const names = settingNames(nameCell);
    for (const name of names) assert.ok(name in properties, `${name} is a declared setting`);
    if (defaultCell === '—') continue;
    const values = names.length > 1 ? defaultCell.split(' / ') : [defaultCell];
    assert.equal(values.length, names.length, `one default per setting in: ${row}`);
    names.forEach((name, i) => {
      const declared = properties[name]?.default;
      assert.deepEqual(parseDefault(values[i]!.trim(), declared), declared, `${name}: the README says ${values[i]}`);
      compared += 1;
    });
  }
  assert.ok(compared >= 10, `compared ${compared} defaults`);
});
