/**
 * In-page probes for bench/rendererPerformance.ts, kept as plain JavaScript
 * source: they are evaluated in the app's page over CDP (which the page's CSP
 * does not apply to), and as strings they pass through no transpiler, so
 * nothing (such as esbuild's `__name` helper) is injected into them.
 *
 * The probes only read: they subscribe their own `chat.event` listener, observe
 * the DOM and frames, and never call into the app's stores or components.
 */

/** Name of the CDP binding (added with `Runtime.addBinding` on the bench's own session) the stream probe calls at token marks. */
export const MARK_BINDING = '__rendererBenchMark';

/**
 * Installs `window.__rendererBench` once: `arm(config)` starts recording one
 * streamed reply, `whenDone()` resolves when it is complete on screen, and
 * `result()` returns what was recorded.
 *
 * - Token marks: the probe's own `chat.event` listener, subscribed after the
 *   app's store, sums the delta lengths; when the sum passes one of
 *   `config.marks` (character offsets of token counts) it calls the binding, on
 *   which the bench samples CDP `Performance.getMetrics`.
 * - Token-to-DOM latency: each delta's arrival time is recorded in that
 *   listener; it is resolved at the first DOM mutation of the reply's
 *   markdown view (its unfinished tail or a newly frozen block; highlighting of
 *   older blocks is ignored) whose rendered end shows the last word of the text
 *   received so far. A delta whose word cannot be checked (a link target, a
 *   fence line) resolves with the first later delta that is checked. Its frame
 *   time is `performance.now()` in the first requestAnimationFrame callback
 *   after that mutation, that is the frame that paints it.
 * - Frames: a requestAnimationFrame loop records every frame timestamp.
 * - Long tasks: a PerformanceObserver for `longtask`.
 */
export const STREAM_PROBE = String.raw`(() => {
  if (window.__rendererBench) return 'already installed';
  const markBinding = ${JSON.stringify(MARK_BINDING)};
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask' });
  } catch (error) {
    longTasks.unsupported = String(error);
  }

  const WORD = /[\p{L}\p{N}_]+/gu;
  const TRAILING_NON_WORD = /[^\p{L}\p{N}_]+$/u;
  let run = null;

  function lastWord(sourceTail) {
    // Link targets and fence info strings are not shown as text at the end of the reply.
    const shown = sourceTail.replace(/\]\([^)\s]*\)?/g, ']').replace(/(^|\n)\x60{3,}[^\n]*$/, '$1');
    const words = shown.match(WORD);
    return words ? words[words.length - 1] : '';
  }

  function renderedEnd(view) {
    const last = view.lastElementChild;
    if (!last) return '';
    const previous = last.previousElementSibling;
    const text = (previous ? previous.textContent.slice(-200) : '') + last.textContent.slice(-400);
    return text.replace(TRAILING_NON_WORD, '').slice(-64);
  }

  function onEvent(event) {
    const r = run;
    if (!r || r.finished) return;
    if (r.streamId === null) r.streamId = event.streamId;
    if (event.streamId !== r.streamId) return;
    const now = performance.now();
    if (event.kind === 'started') {
      r.messageId = event.messageId;
      return;
    }
    if (event.kind === 'delta') {
      if (r.firstDeltaAt === null) r.firstDeltaAt = now;
      r.lastDeltaAt = now;
      r.deltas++;
      r.chars += event.text.length;
      r.sourceTail = (r.sourceTail + event.text).slice(-400);
      r.pending.push({ at: now, word: lastWord(r.sourceTail) });
      r.arrivals.push([now, r.chars]);
      while (r.nextMark < r.marks.length && r.chars >= r.marks[r.nextMark]) {
        window[markBinding](JSON.stringify({ index: r.nextMark, at: now, chars: r.chars }));
        r.nextMark++;
      }
      return;
    }
    if (event.kind === 'done' || event.kind === 'error') {
      r.doneAt = now;
      r.endKind = event.kind;
      if (event.kind === 'error') r.error = event.error;
      checkComplete();
    }
  }
  window.nagare.chat.onEvent(onEvent);

  function findView(r) {
    if (r.view && r.view.isConnected) return r.view;
    const article = r.messageId
      ? document.querySelector('[data-message-id="' + CSS.escape(r.messageId) + '"]')
      : document.querySelector('[data-testid="message"][data-role="assistant"][data-status="streaming"]');
    r.article = article;
    r.view = article ? article.querySelector('.md-view') : null;
    return r.view;
  }

  function scheduleFrameStamp(r) {
    if (r.frameRequested) return;
    r.frameRequested = true;
    requestAnimationFrame(() => {
      r.frameRequested = false;
      const now = performance.now();
      for (const item of r.awaitingFrame) r.toFrame.push(now - item.at);
      r.awaitingFrame = [];
    });
  }

  function onMutations(records) {
    const r = run;
    if (!r || r.finished) return;
    const now = performance.now();
    const hadView = r.view !== null && r.view.isConnected;
    const view = findView(r);
    if (!view) return;
    let relevant = !hadView;
    for (const record of records) {
      if (relevant) break;
      const target = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (!target || !view.contains(target)) continue;
      if (target === view) relevant = true;
      else if (!target.closest('[data-md-block]')) relevant = true;
    }
    if (relevant) {
      r.mutations++;
      if (r.pending.length > 0) {
        const end = renderedEnd(view);
        let upTo = -1;
        for (let j = r.pending.length - 1; j >= 0; j--) {
          const word = r.pending[j].word;
          if (word && end.endsWith(word)) {
            upTo = j;
            break;
          }
        }
        if (upTo >= 0) {
          const resolved = r.pending.splice(0, upTo + 1);
          r.verified++;
          r.viaLater += resolved.length - 1;
          for (const item of resolved) {
            r.toDom.push(now - item.at);
            r.awaitingFrame.push(item);
          }
          scheduleFrameStamp(r);
        }
      }
    }
    checkComplete();
  }
  new MutationObserver(onMutations).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['data-status'],
  });

  function checkComplete() {
    const r = run;
    if (!r || r.finished || r.doneAt === null) return;
    findView(r);
    if (!r.article || r.article.getAttribute('data-status') !== (r.endKind === 'done' ? 'complete' : 'error')) return;
    r.finished = true;
    r.completeAt = performance.now();
    r.unresolved = r.pending.length;
    r.renderedChars = r.view ? r.view.textContent.length : 0;
    r.blocks = r.view ? r.view.children.length : 0;
    r.nodesInReply = r.article ? r.article.getElementsByTagName('*').length : 0;
    r.nodes = document.getElementsByTagName('*').length;
    // One more frame, so the frame that paints the end is recorded too.
    requestAnimationFrame(() => requestAnimationFrame(() => r.resolveDone()));
  }

  function frameLoop(r) {
    const step = (time) => {
      r.frames.push(time);
      if (!r.stopFrames) requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  window.__rendererBench = {
    arm(config) {
      let resolveDone = () => {};
      const done = new Promise((resolve) => (resolveDone = resolve));
      run = {
        armedAt: performance.now(),
        marks: config.marks,
        nextMark: 0,
        streamId: null,
        messageId: null,
        article: null,
        view: null,
        chars: 0,
        deltas: 0,
        sourceTail: '',
        pending: [],
        arrivals: [],
        toDom: [],
        toFrame: [],
        awaitingFrame: [],
        frameRequested: false,
        verified: 0,
        viaLater: 0,
        mutations: 0,
        firstDeltaAt: null,
        lastDeltaAt: null,
        doneAt: null,
        completeAt: null,
        endKind: null,
        error: null,
        finished: false,
        frames: [],
        stopFrames: false,
        done,
        resolveDone,
      };
      frameLoop(run);
      return true;
    },
    whenDone() {
      return run ? run.done.then(() => true) : Promise.resolve(false);
    },
    result() {
      const r = run;
      if (!r) return null;
      r.stopFrames = true;
      const from = r.armedAt;
      const to = r.completeAt ?? performance.now();
      return {
        armedAt: r.armedAt,
        firstDeltaAt: r.firstDeltaAt,
        lastDeltaAt: r.lastDeltaAt,
        doneAt: r.doneAt,
        completeAt: r.completeAt,
        endKind: r.endKind,
        error: r.error,
        chars: r.chars,
        deltas: r.deltas,
        mutations: r.mutations,
        verified: r.verified,
        viaLater: r.viaLater,
        unresolved: r.unresolved ?? r.pending.length,
        toDom: r.toDom,
        toFrame: r.toFrame,
        arrivals: r.arrivals,
        frames: r.frames,
        longTasks: longTasks.filter((task) => task.start >= from && task.start <= to),
        longTasksUnsupported: longTasks.unsupported ?? null,
        renderedChars: r.renderedChars ?? 0,
        blocks: r.blocks ?? 0,
        nodesInReply: r.nodesInReply ?? 0,
        nodes: r.nodes ?? 0,
      };
    },
  };
  return 'installed';
})()`;

/**
 * Arms `window.__rendererBenchOpen`: a promise that resolves once the message
 * `lastMessageId` (the newest of the conversation being opened) is on screen
 * after the next click anywhere in the page. Times are `performance.now()`:
 * - click: the click event's timeStamp (capture listener on window);
 * - dom: the MutationObserver callback in which the newest message element is first in the DOM;
 * - visible: the IntersectionObserver entry time (a frame's time) at which that element first
 *   intersects the message scroller's viewport;
 * - painted: a MessageChannel task posted from the first requestAnimationFrame callback after
 *   `visible`, which runs after that frame was painted.
 * Then, 500 ms later, it counts the page's elements and the message elements.
 */
export function openProbe(lastMessageId: string): string {
  return String.raw`(() => {
  const id = ${JSON.stringify(lastMessageId)};
  const times = { click: null, dom: null, visible: null, painted: null };
  window.__rendererBenchOpen = new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error('the newest message never became visible')), 15000);
    const onClick = (event) => {
      if (times.click === null) times.click = event.timeStamp;
    };
    window.addEventListener('click', onClick, { capture: true });
    let intersection = null;
    const watchElement = (element) => {
      const root = document.querySelector('[data-testid="message-scroll"]');
      intersection = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (!entry.isIntersecting || times.visible !== null) continue;
            times.visible = entry.time;
            intersection.disconnect();
            requestAnimationFrame(() => {
              const channel = new MessageChannel();
              channel.port1.onmessage = () => {
                times.painted = performance.now();
                finish();
              };
              channel.port2.postMessage(null);
            });
          }
        },
        { root },
      );
      intersection.observe(element);
    };
    const selector = '[data-testid="message"][data-message-id="' + CSS.escape(id) + '"]';
    const mutations = new MutationObserver(() => {
      if (times.click === null || times.dom !== null) return;
      const element = document.querySelector(selector);
      if (!element) return;
      times.dom = performance.now();
      mutations.disconnect();
      watchElement(element);
    });
    mutations.observe(document.body, { subtree: true, childList: true });
    const finish = () => {
      window.removeEventListener('click', onClick, { capture: true });
      setTimeout(() => {
        clearTimeout(timeout);
        resolve({
          ...times,
          nodes: document.getElementsByTagName('*').length,
          messageElements: document.querySelectorAll('[data-testid="message"]').length,
        });
      }, 500);
    };
  });
  return true;
})()`;
}

/**
 * Scrolls the open conversation to its top again and again, so that every
 * older page is loaded (the list loads 200 more when the top is near), for at
 * most `budgetMs`; then counts elements. Resolves with what it saw.
 */
export function scrollToOldestProbe(firstMessageId: string, budgetMs: number): string {
  return String.raw`(async () => {
  const scroller = document.querySelector('[data-testid="message-scroll"]');
  const first = ${JSON.stringify(firstMessageId)};
  const started = performance.now();
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  let reached = false;
  let steps = 0;
  while (performance.now() - started < ${budgetMs}) {
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    steps++;
    await frame();
    await frame();
    if (document.querySelector('[data-message-id="' + CSS.escape(first) + '"]')) {
      reached = true;
      break;
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    reached,
    steps,
    ms: performance.now() - started,
    scrollHeight: scroller.scrollHeight,
    nodes: document.getElementsByTagName('*').length,
    messageElements: document.querySelectorAll('[data-testid="message"]').length,
  };
})()`;
}

/**
 * Scrolls the open conversation up from its newest message by 0.8 of the
 * viewport `steps` times, as PageUp does, and measures how still the content
 * holds: before each step it takes the message at the top of the viewport;
 * after the scroll and three frames (rows rendered, measured, corrected) that
 * message should sit exactly the scrolled distance lower. `jumps` are the
 * differences in pixels (0 when rows measured or loaded above it did not move
 * it); `stepMs` the time from the scroll to the third frame.
 */
export function scrollUpProbe(steps: number): string {
  return String.raw`(async () => {
  const scroller = document.querySelector('[data-testid="message-scroll"]');
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const settle = async () => { await frame(); await frame(); await frame(); };
  scroller.scrollTop = scroller.scrollHeight;
  await settle();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const rowAtTop = () => {
    const top = scroller.getBoundingClientRect().top;
    for (const row of scroller.querySelectorAll('[data-testid="message"]')) {
      if (row.getBoundingClientRect().bottom > top + 1) return row;
    }
    return null;
  };
  const jumps = [];
  const stepMs = [];
  let lost = 0;
  for (let step = 0; step < ${steps}; step++) {
    const anchor = rowAtTop();
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    const from = scroller.scrollTop;
    const started = performance.now();
    scroller.scrollTop = Math.max(0, from - Math.round(scroller.clientHeight * 0.8));
    const scrolledBy = from - scroller.scrollTop;
    await settle();
    stepMs.push(performance.now() - started);
    if (!anchor || !anchor.isConnected) {
      lost++;
      continue;
    }
    jumps.push(Math.abs(anchor.getBoundingClientRect().top - (before + scrolledBy)));
  }
  return { jumps, stepMs, lost };
})()`;
}
