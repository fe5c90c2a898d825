/** Output is all or nothing, the same bytes everywhere, and a stale deploy/ is shown as a diff. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mixin, { ChecksFailed, patchAlert, renderTo } from 'spt-mixin';
import { main, type Io } from '../lib/cli/commands.js';
import { snapshot } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const deploy = join(root, 'deploy');

const quiet: Io = { out: () => {}, err: () => {} };

/** A copy of deploy/ to break things in; `fn` gets it and a snapshot of it as it was. */
function withDeployCopy(fn: (out: string, before: Map<string, string>) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spt-safety-'));
    try {
      const out = join(dir, 'deploy');
      cpSync(deploy, out, { recursive: true });
      await fn(out, snapshot(out));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

// Each changed mixin would rewrite files, so an untouched folder proves nothing was written.
const changed = mixin.withConfig({ ebayQuotaWarning: 4200 });

test(
  'a failing check writes nothing',
  withDeployCopy(async (out, before) => {
    const broken = changed.extend(patchAlert('SptDown', { expr: 'absent(up{job="server-price-tracker"}' }));
    try {
      await renderTo(broken, out);
      assert.unreachable('rendered a mixin with a syntax error');
    } catch (error) {
      assert.instance(error, ChecksFailed);
      assert.ok((error as ChecksFailed).findings.some((f) => f.rule === 'promql/syntax' && f.location.rule === 'SptDown'));
    }
    assert.equal(snapshot(out), before);
  }),
);

test(
  'a write error before the renames (a file where a folder must be) leaves the folder as it was',
  withDeployCopy(async (out, before) => {
    rmSync(join(out, 'prometheus'), { recursive: true });
    writeFileSync(join(out, 'prometheus'), 'in the way\n');
    const expected = snapshot(out);
    await renderTo(changed, out).then(
      () => assert.unreachable('wrote through a file'),
      () => {},
    );
    assert.equal(snapshot(out), expected);
    assert.ok(before.size > expected.size);
  }),
);

test(
  'a write error half-way through the renames rolls back the files already replaced',
  withDeployCopy(async (out) => {
    // A folder where the last file goes: every temporary file is written, the renames start, and the last fails.
    rmSync(join(out, 'mixin.libsonnet'));
    mkdirSync(join(out, 'mixin.libsonnet'));
    const expected = snapshot(out);
    await renderTo(changed, out).then(
      () => assert.unreachable('renamed over a folder'),
      (error: NodeJS.ErrnoException) => assert.ok(error.code, String(error)),
    );
    assert.equal(snapshot(out), expected, 'earlier renames were undone and no temporary file is left');
  }),
);

test(
  'a bad config through the command line: exit 2, nothing written',
  withDeployCopy(async (out, before) => {
    const config = join(out, '..', 'bad.yaml');
    writeFileSync(config, 'ebayQuotaWarning: many\n');
    assert.is(await main(['render', '--config', config, '--out', out], quiet), 2);
    assert.equal(snapshot(out), before);
  }),
);

test(
  'check prints a unified diff per stale file and the command that fixes it',
  withDeployCopy(async (out) => {
    const alerts = join(out, 'prometheus/spt-alerts.yaml');
    writeFileSync(alerts, readFileSync(alerts, 'utf8').replace('for: 2m', 'for: 3m'));
    rmSync(join(out, 'prometheus/kustomization.yaml'));
    const lines: string[] = [];
    const code = await main(['check', '--out', out], { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    const text = lines.join('\n');
    assert.is(code, 1);
    assert.match(text, '--- a/prometheus/spt-alerts.yaml');
    assert.match(text, '+++ b/prometheus/spt-alerts.yaml');
    assert.match(text, /^-\s+for: 3m$/m);
    assert.match(text, /^\+\s+for: 2m$/m);
    assert.match(text, '--- a/prometheus/kustomization.yaml\tmissing');
    assert.match(text, '2 file(s) out of date');
    assert.match(text, 'npm run render');
  }),
);

test('another timezone and locale give the same bytes (check passes under TZ=Pacific/Chatham LANG=tr_TR.UTF-8)', () => {
  const env = { ...process.env, TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' };
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'lib/cli/main.ts'), 'check'], { cwd: root, env, encoding: 'utf8' });
  assert.is(run.status, 0, run.stdout + run.stderr);
  const probe = spawnSync(
    process.execPath,
    ['-e', 'process.stdout.write(`${new Date(0).getTimezoneOffset()} ${Intl.DateTimeFormat().resolvedOptions().locale}`)'],
    { env, encoding: 'utf8' },
  );
  assert.is(probe.stdout, '-765 tr-TR', 'the environment really is Chatham time in a Turkish locale');
});

test.run();
