// Peak memory of the page's renderer process, read from Linux /proc.
//
// Chromium runs a page, its JS heap, its wasm memories and its dedicated workers (DuckDB's
// worker) in one renderer process, so that process's resident set is the one number that
// covers every engine alike. Before a run the harness writes "5" to
// /proc/<pid>/clear_refs, which resets the kernel's high-water mark (VmHWM) to the current
// RSS; after the run VmHWM is the peak RSS during it. Which renderer serves the page is
// found by making the page hold 256 MiB for a moment and seeing whose RSS grew (the
// candidates come from SystemInfo.getProcessInfo over the browser's CDP session).
// Where /proc or CDP is unavailable every reading is null.
import fs from 'node:fs';

const PROBE_BYTES = 256 * 2 ** 20;

function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export class RendererMemory {
  constructor(browser) {
    this.browser = browser;
    this.session = null;
  }

  /**
   * The pid of the renderer process that runs `page`, or null. The page briefly holds a
   * 256 MiB buffer; the renderer whose RSS grows by most of it is the page's. (CPU time is
   * no good: Chromium's own WebUI renderer works while the page does.) Raises that
   * renderer's VmHWM, so read peaks before calling this.
   */
  async pidOf(page) {
    let cdp = null;
    try {
      // Collect garbage first, so a collection during the probe cannot hide its growth.
      cdp = await page.context().newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      const pids = await this.allPids();
      const before = new Map(pids.map((pid) => [pid, rssBytes(pid)]));
      await page.evaluate((n) => { window.rendererProbe = new Uint8Array(n).fill(1); }, PROBE_BYTES);
      let best = null;
      for (const pid of pids) {
        const grown = (rssBytes(pid) ?? 0) - (before.get(pid) ?? Infinity);
        if (grown > PROBE_BYTES / 2 && (!best || grown > best.grown)) best = { pid, grown };
      }
      await page.evaluate(() => { window.rendererProbe = null; });
      await cdp.send('HeapProfiler.collectGarbage');
      return best?.pid ?? null;
    } catch {
      return null;
    } finally {
      await cdp?.detach().catch(() => {});
    }
  }

  /** Pids of every renderer process of the browser (for cold_start, before the page exists). */
  async allPids() {
    try {
      this.session ??= await this.browser.newBrowserCDPSession();
      const { processInfo } = await this.session.send('SystemInfo.getProcessInfo');
      return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
    } catch {
      return [];
    }
  }

  /** Resets the peak-RSS mark of `pid`; false if the kernel refused. */
  resetPeak(pid) {
    if (pid == null) return false;
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** Current RSS of `pid` in bytes, or null. */
  rssBytes(pid) {
    return pid == null ? null : rssBytes(pid);
  }

  /** Peak RSS of `pid` in bytes since its last reset (or its start), or null. */
  peakBytes(pid) {
    if (pid == null) return null;
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : null;
    } catch {
      return null;
    }
  }
}
