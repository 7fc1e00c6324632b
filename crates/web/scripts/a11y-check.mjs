// Browser check of the pages: axe-core (WCAG 2.1 A/AA and best practices) at 360 px and 1280 px, no horizontal
// scrolling at 360 px, and no console errors other than an expected 404 (CSP violations would show up there).
//
// Needs Debian `chromium`, Node 20+ and npm `axe-core` 4.x; no network. Run against a server started with
// `cargo run -p ketapath-web --example serve -- 127.0.0.1:18181 --demo`:
//   AXE=/path/to/node_modules/axe-core/axe.min.js node --experimental-websocket crates/web/scripts/a11y-check.mjs \
//     http://127.0.0.1:18181 / /about /no-such-page
// Exit code 0 when every page passes, 1 otherwise.
import { readFileSync, mkdtempSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, ...paths] = process.argv.slice(2);
const axe = readFileSync(process.env.AXE ?? 'node_modules/axe-core/axe.min.js', 'utf8');
const port = 19000 + Math.floor(Math.random() * 900);
const browser = spawn('chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'a11y-'))}`,
  `--remote-debugging-port=${port}`, 'about:blank',
], { stdio: 'ignore' });

let failed = false;
try {
  let targets;
  for (let attempt = 0; attempt < 50 && !targets; attempt++) {
    await new Promise(r => setTimeout(r, 200));
    targets = await fetch(`http://127.0.0.1:${port}/json/list`).then(r => r.json()).catch(() => undefined);
  }
  const ws = new WebSocket(targets.find(t => t.type === 'page').webSocketDebuggerUrl);
  await new Promise(r => { ws.onopen = r; });
  let id = 0;
  const pending = new Map();
  const logs = [];
  ws.onmessage = m => {
    const d = JSON.parse(m.data);
    if (d.id && pending.has(d.id)) { pending.get(d.id)(d.result); pending.delete(d.id); }
    else if (d.method === 'Log.entryAdded' && d.params.entry.level === 'error') logs.push(d.params.entry);
    else if (d.method === 'Runtime.exceptionThrown') logs.push({ text: d.params.exceptionDetails.text });
  };
  const call = (method, params = {}) => new Promise(r => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
  const evaluate = async (expression) => (await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })).result.value;
  await call('Page.enable'); await call('Runtime.enable'); await call('Log.enable');
  for (const width of [360, 1280]) {
    await call('Emulation.setDeviceMetricsOverride', { width, height: 800, deviceScaleFactor: 1, mobile: width < 500 });
    for (const path of paths) {
      logs.length = 0;
      await call('Page.navigate', { url: base + path });
      await new Promise(r => setTimeout(r, 700));
      const [scrollWidth, innerWidth] = JSON.parse(await evaluate('JSON.stringify([document.documentElement.scrollWidth, window.innerWidth])'));
      await evaluate(axe);
      const violations = JSON.parse(await evaluate(
        'axe.run({runOnly: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}))))'));
      const errors = logs.filter(l => !/status of 404/.test(l.text ?? ''));
      const overflow = scrollWidth > innerWidth;
      const ok = violations.length === 0 && errors.length === 0 && !overflow;
      failed ||= !ok;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${width}px ${path} violations=${JSON.stringify(violations)} overflow=${overflow} errors=${JSON.stringify(errors)}`);
    }
  }
  ws.close();
} finally {
  browser.kill();
}
process.exit(failed ? 1 : 0);
