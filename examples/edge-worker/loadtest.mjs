#!/usr/bin/env node
// A bounded load test of the edge gateway on 127.0.0.1: starts `workerd serve config.capnp` on a
// free port, sends mixed valid and invalid credentials over keep-alive connections, checks every
// answer against its expectation, and samples workerd's resident memory (VmRSS).
//
//   node loadtest.mjs [--requests 60000] [--warmup 150000] [--concurrency 32] [--json]
//   node loadtest.mjs --baseline     the same traffic against an empty worker (no checks)
//
// workerd's own memory grows for the first few tens of thousands of requests of any worker (an
// empty one too: see --baseline) before it levels off, so a warm-up of the same mix runs first;
// its answers are checked too. The measured run must then have zero wrong answers, zero 5xx, and
// flat memory: the mean RSS over its last 10,000 requests at most 5% above the mean over its
// first 10,000. Everything is bounded by a time limit (170 s).
//
// Needs the web build (../../scripts/build-web.sh) and workerd (npm install).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MATRIX_CREDENTIALS, ROW_REQUESTS, authorizationFor, expectedAllowed, expectedDenyCode, parseMatrix } from './matrix-requests.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOTAL = arg('requests', 60_000);
const WARMUP = arg('warmup', 150_000);
const BASELINE = process.argv.includes('--baseline');
const CONCURRENCY = arg('concurrency', 32);
const WINDOW = 10_000; // "first" and "last" 10,000 requests
const TIME_LIMIT_MS = 170_000;
const SAMPLE_EVERY = 2_000;

const workerdBin = join(repo, 'node_modules', '.bin', 'workerd');
for (const needed of [workerdBin, join(repo, 'target', 'web', 'scopegate_bg.wasm')]) {
  if (!existsSync(needed)) {
    console.error(`loadtest: missing ${needed} (run ../../scripts/build-web.sh and npm install)`);
    process.exit(2);
  }
}
if (TOTAL < 2 * WINDOW) {
  console.error(`loadtest: --requests must be at least ${2 * WINDOW}`);
  process.exit(2);
}

// ---- the request mix ---------------------------------------------------------------------------

const matrix = parseMatrix(readFileSync(join(repo, 'src', 'catalog', 'token_matrix.rs'), 'utf8'));
const credentials = JSON.parse(readFileSync(join(here, 'fixtures', 'tokens.json'), 'utf8')).credentials;

/** Every case: the request and what must come back. */
const valid = [];
for (const row of matrix) {
  for (const who of MATRIX_CREDENTIALS) {
    const [method, path, body] = ROW_REQUESTS[row.row];
    const allowed = expectedAllowed(who, row);
    valid.push({
      label: `row ${row.row} as ${who}`,
      method,
      path,
      body: body === undefined ? null : JSON.stringify(body),
      authorization: authorizationFor(credentials[who].credential),
      status: allowed ? 200 : 403,
      scope: row.scope,
      deny: allowed ? null : expectedDenyCode(who, row),
    });
  }
}
const invalid = [];
for (const [name, cred] of Object.entries(credentials)) {
  if (!cred.expect.error) continue;
  invalid.push({
    label: name,
    method: 'GET',
    path: `/api/orgs/${cred.org ?? 'acme'}/members`,
    body: null,
    authorization: authorizationFor(cred.credential),
    status: 401,
    code: cred.expect.error,
  });
}
// About a third invalid: each invalid credential appears 9 times per cycle.
const cycle = [...valid, ...Array.from({ length: 9 }, () => invalid).flat()];
// A fixed shuffle (xorshift), so runs are comparable.
let seed = 0x9e3779b9;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
for (let i = cycle.length - 1; i > 0; i -= 1) {
  const j = Math.floor(rand() * (i + 1));
  [cycle[i], cycle[j]] = [cycle[j], cycle[i]];
}

// ---- workerd ------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) : NaN;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, maxFreeSockets: CONCURRENCY });

function send(port, c) {
  return new Promise((resolve, reject) => {
    const headers = {};
    if (c.authorization !== null) headers.authorization = c.authorization;
    if (c.body !== null) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(c.body);
    }
    const req = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (c.body !== null) req.write(c.body);
    req.end();
  });
}

/** Why an answer is wrong, or null when it is right. */
function judge(c, res) {
  if (res.status !== c.status) return `status ${res.status}, want ${c.status}`;
  if (res.headers['content-type'] !== 'application/json') return `content-type ${res.headers['content-type']}`;
  if (res.headers['cache-control'] !== 'no-store') return `cache-control ${res.headers['cache-control']}`;
  let body;
  try {
    body = JSON.parse(res.text);
  } catch {
    return 'body is not JSON';
  }
  if (c.status === 401) {
    if (body.error?.code !== c.code) return `code ${body.error?.code}, want ${c.code}`;
    if (res.headers['www-authenticate'] !== 'token') return 'no WWW-Authenticate';
  } else if (c.status === 200) {
    if (body.allowed !== true || body.scope !== c.scope) return `allowed ${body.allowed} scope ${body.scope}`;
  } else if (body.error?.code !== 'forbidden' || body.error?.scope !== c.scope || (c.deny && body.error?.deny?.code !== c.deny)) {
    return `403 body ${JSON.stringify(body.error).slice(0, 120)}`;
  }
  return null;
}

async function waitUntilUp(port, child) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}`);
    try {
      const res = await send(port, { method: 'GET', path: '/api/user', authorization: null, body: null });
      if (res.status === (BASELINE ? 200 : 401)) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('workerd did not come up');
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** An empty worker in a scratch directory, for --baseline: same traffic, no gateway. */
function baselineWorker() {
  const dir = mkdtempSync(join(tmpdir(), 'edge-baseline-'));
  writeFileSync(join(dir, 'empty.js'), `export default { async fetch() { return new Response('{"ok":true}', { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } }); } };\n`);
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "empty", worker = .empty) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "empty") ],
);
const empty :Workerd.Worker = ( modules = [ (name = "empty.js", esModule = embed "empty.js") ], compatibilityDate = "2026-01-01" );
`,
  );
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const mib = (kib) => Number((kib / 1024).toFixed(1));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main() {
  const port = await freePort();
  const baseline = BASELINE ? baselineWorker() : null;
  const child = spawn(workerdBin, ['serve', 'config.capnp', '--socket-addr', `http=127.0.0.1:${port}`], {
    cwd: baseline ? baseline.dir : here,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const killTimer = setTimeout(() => {
    console.error(`loadtest: time limit of ${TIME_LIMIT_MS / 1000} s exceeded`);
    child.kill('SIGKILL');
    process.exit(3);
  }, TIME_LIMIT_MS);

  /** Sends `count` requests of the mix at CONCURRENCY; checks and times each one. */
  async function phase(count, offset) {
    const latency = new Float64Array(count);
    const samples = [];
    const byStatus = {};
    const wrongExamples = [];
    let next = 0;
    let done = 0;
    let wrong = 0;
    let fiveXX = 0;
    let transportErrors = 0;
    const started = process.hrtime.bigint();
    async function lane() {
      for (;;) {
        const i = next;
        next += 1;
        if (i >= count) return;
        const c = cycle[(offset + i) % cycle.length];
        const t0 = process.hrtime.bigint();
        let res;
        try {
          res = await send(port, c);
        } catch (e) {
          transportErrors += 1;
          wrong += 1;
          if (wrongExamples.length < 5) wrongExamples.push(`${c.label}: ${e.message}`);
          continue;
        } finally {
          latency[i] = Number(process.hrtime.bigint() - t0) / 1e6;
        }
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        if (res.status >= 500) fiveXX += 1;
        const why = baseline ? null : judge(c, res);
        if (why) {
          wrong += 1;
          if (wrongExamples.length < 5) wrongExamples.push(`${c.label}: ${why}`);
        }
        done += 1;
        if (done % SAMPLE_EVERY === 0) samples.push({ requests: done, rssKiB: rssKiB(child.pid) });
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const sorted = Array.from(latency).sort((a, b) => a - b);
    return { count, seconds, sorted, samples, byStatus, wrong, fiveXX, transportErrors, wrongExamples };
  }

  try {
    await waitUntilUp(port, child);
    const rssStart = rssKiB(child.pid);
    const warm = WARMUP > 0 ? await phase(WARMUP, 0) : null;
    const rssAfterWarmup = rssKiB(child.pid);
    const run = await phase(TOTAL, WARMUP);
    const first = run.samples.filter((s) => s.requests <= WINDOW).map((s) => s.rssKiB);
    const last = run.samples.filter((s) => s.requests > TOTAL - WINDOW).map((s) => s.rssKiB);
    const growth = mean(last) - mean(first);
    const flat = growth <= 0.05 * mean(first);
    const wrong = run.wrong + (warm?.wrong ?? 0);
    const fiveXX = run.fiveXX + (warm?.fiveXX ?? 0);

    const summary = {
      worker: baseline ? 'empty worker (baseline)' : 'edge gateway (config.capnp)',
      requests: TOTAL,
      warmup: WARMUP,
      concurrency: CONCURRENCY,
      mix: { validCases: valid.length, invalidCases: invalid.length, invalidShare: Number(((invalid.length * 9) / cycle.length).toFixed(3)) },
      seconds: Number(run.seconds.toFixed(2)),
      requestsPerSecond: Math.round(TOTAL / run.seconds),
      latencyMs: {
        p50: Number(percentile(run.sorted, 50).toFixed(2)),
        p99: Number(percentile(run.sorted, 99).toFixed(2)),
        max: Number(run.sorted[run.sorted.length - 1].toFixed(2)),
      },
      byStatus: run.byStatus,
      wrongAnswers: { warmup: warm?.wrong ?? 0, measured: run.wrong },
      fiveXX: { warmup: warm?.fiveXX ?? 0, measured: run.fiveXX },
      memory: {
        rssAtStartMiB: mib(rssStart),
        rssAfterWarmupMiB: mib(rssAfterWarmup),
        meanFirst10kMiB: mib(mean(first)),
        meanLast10kMiB: mib(mean(last)),
        growthMiB: mib(growth),
        flat,
      },
      warmupSamplesMiB: (warm?.samples ?? []).map((s) => mib(s.rssKiB)),
      samplesMiB: run.samples.map((s) => mib(s.rssKiB)),
    };
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(summary, null, 2));
    } else {
      const m = summary.memory;
      console.log(`${summary.worker}: workerd on 127.0.0.1:${port}, ${TOTAL} measured requests after ${WARMUP} warm-up, concurrency ${CONCURRENCY}`);
      console.log(`  mix: ${valid.length} matrix cases (200/403) and ${invalid.length} refused credentials (401), ${Math.round(summary.mix.invalidShare * 100)}% invalid`);
      console.log(`  throughput: ${summary.requestsPerSecond} requests/s (${summary.seconds} s)`);
      console.log(`  latency: p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms, max ${summary.latencyMs.max} ms`);
      console.log(`  statuses: ${Object.entries(run.byStatus).map(([st, n]) => `${st}: ${n}`).join(', ')}`);
      console.log(`  wrong answers: ${run.wrong} measured, ${warm?.wrong ?? 0} in warm-up${baseline ? ' (not checked: baseline)' : ''}; 5xx: ${run.fiveXX} measured, ${warm?.fiveXX ?? 0} in warm-up`);
      console.log(`  workerd RSS: ${m.rssAtStartMiB} MiB at start, ${m.rssAfterWarmupMiB} MiB after warm-up`);
      console.log(`  measured run: mean ${m.meanFirst10kMiB} MiB over the first 10,000, ${m.meanLast10kMiB} MiB over the last 10,000 (${m.growthMiB >= 0 ? '+' : ''}${m.growthMiB} MiB: ${flat ? 'flat' : 'NOT flat'})`);
      console.log(`  RSS every ${SAMPLE_EVERY} requests, warm-up (MiB): ${summary.warmupSamplesMiB.join(' ')}`);
      console.log(`  RSS every ${SAMPLE_EVERY} requests, measured (MiB): ${summary.samplesMiB.join(' ')}`);
    }
    for (const w of [...(warm?.wrongExamples ?? []), ...run.wrongExamples]) console.error(`  wrong: ${w}`);
    const failed = wrong > 0 || fiveXX > 0 || !flat;
    if (failed) console.error(`loadtest: FAILED${stderr ? `\nworkerd stderr (tail):\n${stderr}` : ''}`);
    return failed ? 1 : 0;
  } finally {
    clearTimeout(killTimer);
    agent.destroy();
    child.kill('SIGTERM');
    baseline?.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`loadtest: ${e.stack ?? e}`);
    process.exit(1);
  },
);
