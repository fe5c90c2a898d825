/** The command line's paths, flags and output folder: the user's folder, the closest flag, writes that cannot happen. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../lib/cli/commands.js';
import { commandLine } from '../lib/cli/args.js';
import { writeAll } from '../lib/render/write.js';
import { capture, snapshot } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const deploy = join(root, 'deploy');

function withTempDir(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spt-cli-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Every folder under `dir`, files left out: what "no new folders" is about. */
function folders(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      found.push(`${rel}${entry.name}/`);
      walk(join(d, entry.name), `${rel}${entry.name}/`);
    }
  };
  walk(dir, '');
  return found.sort();
}

test(
  "npm run render from another folder takes --config and --out from the caller's folder (INIT_CWD)",
  withTempDir((dir) => {
    writeFileSync(join(dir, 'spt.yaml'), 'sptSelector: job="spt"\n');
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'INIT_CWD' && !key.startsWith('npm_')));
    const run = spawnSync('npm', ['--prefix', root, 'run', '-s', 'render', '--', '--config', 'spt.yaml', '--out', 'out'], { cwd: dir, env, encoding: 'utf8' });
    assert.is(run.status, 0, run.stdout + run.stderr);
    assert.match(readFileSync(join(dir, 'out/prometheus/spt-alerts.yaml'), 'utf8'), 'spt_readyz_up{job="spt"} == 0');
  }),
);

test('an unknown flag names the closest known one; one far from all is named alone', async () => {
  const io = capture();
  assert.is(await main(['render', '--confg', 'x.yaml'], io), 2);
  assert.match(io.text(), 'error: unknown option --confg; did you mean --config?');
  const far = capture();
  assert.is(await main(['check', '--zzzzzz'], far), 2);
  assert.match(far.text(), 'error: unknown option --zzzzzz\n');
  const version = capture();
  assert.is(await main(['--version'], version), 0);
  assert.is(version.text(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
});

test('the render command is given back as the user would type it, quoted for the shell', () => {
  const here = { cwd: '/', via: 'npm' } as const;
  assert.is(commandLine(here, 'render', []), 'npm run render');
  assert.is(commandLine(here, 'render', ['--config', 'my env.yaml']), "npm run render -- --config 'my env.yaml'");
  assert.is(commandLine({ cwd: '/', via: 'npx' }, 'render', ['--out', "it's"]), `npx spt-mixin render --out 'it'\\''s'`);
});

test(
  'render --out where nothing can be written: exit 2 at once, one line, no folder left behind',
  withTempDir(async (dir) => {
    writeFileSync(join(dir, 'file'), 'not a folder\n');
    for (const out of ['/proc/spt-mixin-test/out', join(dir, 'file', 'out')]) {
      const io = capture();
      const started = performance.now();
      assert.is(await main(['render', '--out', out], io), 2);
      assert.ok(performance.now() - started < 5000, 'fails at once, before building');
      assert.match(io.text(), `error: cannot write to ${out}`);
      assert.is(io.text().split('\n').length, 1, io.text());
    }
    assert.equal(folders(dir), []);
  }),
);

test(
  'a write that fails after creating folders removes the folders it created, and only those',
  withTempDir(async (dir) => {
    const out = join(dir, 'out');
    mkdirSync(join(out, 'kept'), { recursive: true });
    writeFileSync(join(out, 'prometheus'), 'a file where a folder must be\n');
    const files = new Map([
      ['grafana/data/a.json', '{}\n'],
      ['prometheus/rules.yaml', 'groups: []\n'],
    ]);
    await writeAll(out, files).then(
      () => assert.unreachable('wrote through a file'),
      () => {},
    );
    assert.equal(folders(dir), ['out/', 'out/kept/']);
    assert.equal([...snapshot(out).keys()], ['prometheus']);
  }),
);

test(
  'check names files in the output folder that render would not write; --only leaves the other part alone',
  withTempDir(async (dir) => {
    const out = join(dir, 'deploy');
    cpSync(deploy, out, { recursive: true });
    writeFileSync(join(out, 'grafana/data/renamed-long-ago.json'), '{}\n');
    const io = capture();
    assert.is(await main(['check', '--out', out], io), 1);
    assert.match(io.text(), `${join(out, 'grafana/data/renamed-long-ago.json')}: not written by render`);
    assert.not.match(io.text(), 'out of date');
    assert.is(await main(['check', '--out', out, '--only', 'rules'], capture()), 0);
    rmSync(join(out, 'grafana/data/renamed-long-ago.json'));
    assert.is(await main(['check', '--out', out], capture()), 0);
  }),
);

test.run();
