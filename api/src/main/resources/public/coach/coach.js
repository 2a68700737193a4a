// The coach page: create a session, stream its answer over EventSource, render text and the
// partial answer once per animation frame, and resume after drops without duplicating or
// losing text. Plain script, no build step; served under the strict HTML CSP (no inline code).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  // States, as in the Java client: idle → connecting → streaming → complete | error
  // (reconnecting while EventSource resumes by itself; cancelled after Stop).
  const s = {
    state: 'idle',
    sessionId: null,
    streamUrl: null,
    source: null,
    lastSeq: 0,        // last token seq applied; token seqs start at 1
    text: '',
    pendingText: '',
    partial: null,
    pendingPartial: false,
    frame: 0,
    reconnects: 0,
    skipped: 0,
  };
  const textNode = document.createTextNode('');

  function setState(state, detail) {
    s.state = state;
    $('state').textContent = state;
    $('state').dataset.state = state;
    document.body.dataset.state = state;
    $('detail').textContent = detail || '';
    const live = state === 'connecting' || state === 'streaming' || state === 'reconnecting';
    $('stop').hidden = !live;
    $('retry').hidden = !(state === 'error' && s.sessionId);
    $('start').disabled = live;
  }

  function progress() {
    document.body.dataset.lastSeq = String(s.lastSeq);
    document.body.dataset.reconnects = String(s.reconnects);
    document.body.dataset.skipped = String(s.skipped);
    $('progress').textContent = s.lastSeq ? `${s.lastSeq} tokens` + (s.reconnects ? `, ${s.reconnects} reconnect(s)` : '') : '';
  }

  function token() {
    return $('token').value.trim();
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'Authorization': 'Bearer ' + token(), 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(body || {}),
    });
    const json = await response.json().catch(() => null);
    if (!response.ok) {
      const why = json && (json.detail || json.title);
      throw new Error(why ? `${response.status}: ${why}` : `HTTP ${response.status}`);
    }
    return json;
  }

  // ---- rendering, batched per animation frame ----

  function scheduleFrame() {
    if (!s.frame) s.frame = requestAnimationFrame(flush);
  }

  function flush() {
    if (s.frame) cancelAnimationFrame(s.frame);
    s.frame = 0;
    if (s.pendingText) {
      textNode.appendData(s.pendingText);
      s.pendingText = '';
    }
    if (s.pendingPartial) {
      s.pendingPartial = false;
      renderAnswer(s.partial);
    }
    progress();
  }

  function list(el, items) {
    el.replaceChildren(...(Array.isArray(items) ? items : []).map((item) => {
      const li = document.createElement('li');
      li.textContent = String(item);
      return li;
    }));
    el.dataset.empty = String(el.children.length === 0);
  }

  function renderAnswer(value) {
    const v = value || {};
    $('refined-prompt').textContent = typeof v.refined_prompt === 'string' ? v.refined_prompt : '';
    list($('tips'), v.tips);
    list($('missing'), v.missing_details);
    const c = typeof v.confidence === 'number' ? v.confidence : null;
    $('confidence').value = c === null ? 0 : c;
    $('confidence-value').textContent = c === null ? '' : `${Math.round(c * 100)}%`;
  }

  // ---- the stream ----

  function mine(event) {
    return event.currentTarget === s.source;
  }

  function onToken(event) {
    if (!mine(event)) return;
    const d = JSON.parse(event.data);
    if (d.seq_to <= s.lastSeq) { // replayed: already shown
      s.skipped++;
      return;
    }
    if (d.seq_from !== s.lastSeq + 1) { // a gap: never guess, resume from what we hold
      reopen('resync after a sequence gap');
      return;
    }
    s.text += d.text;
    s.pendingText += d.text;
    s.lastSeq = d.seq_to;
    if (s.state !== 'streaming') setState('streaming');
    scheduleFrame();
  }

  function onPartial(event) {
    if (!mine(event)) return;
    const d = JSON.parse(event.data);
    if (d.seq > s.lastSeq) return;
    s.partial = d.value;
    s.pendingPartial = true;
    scheduleFrame();
  }

  function onDone(event) {
    if (!mine(event)) return;
    const d = JSON.parse(event.data);
    closeSource();
    s.partial = d.final;
    s.pendingPartial = true;
    flush();
    setState('complete', 'answer validated');
  }

  // The stream reached the server's maximum duration. EventSource would reconnect by itself,
  // but with the ticket it started with, which has likely expired by now: resume with a new one.
  function onReconnect(event) {
    if (!mine(event)) return;
    reopen('the stream reached its maximum duration');
  }

  function onError(event) {
    if (!mine(event)) return;
    if (typeof event.data === 'string') { // the server's own "error" event: terminal, text kept
      let reason = 'error';
      try { reason = JSON.parse(event.data).reason || reason; } catch (ignored) { /* keep default */ }
      closeSource();
      flush();
      setState('error', reason + ' (the text so far is kept)');
      return;
    }
    const source = s.source;
    flush();
    if (source.readyState === EventSource.CONNECTING) {
      // EventSource reconnects by itself, sending Last-Event-ID = the last token seq it saw.
      s.reconnects++;
      setState('reconnecting', `connection lost; resuming after token ${s.lastSeq}`);
      return;
    }
    closeSource();
    settle();
  }

  // EventSource gave up (a non-200 answer such as an expired ticket, or 204 when nothing is
  // left): ask the session whether it finished while we were away.
  async function settle() {
    try {
      const response = await fetch(`/v1/coach/sessions/${s.sessionId}`, {
        headers: { 'Authorization': 'Bearer ' + token(), 'Accept': 'application/json' },
      });
      const session = response.ok ? await response.json() : null;
      if (session && session.status === 'done') {
        let answer = null;
        try { answer = JSON.parse(s.text); } catch (incomplete) { answer = null; }
        if (answer) {
          s.partial = answer;
          s.pendingPartial = true;
          flush();
          setState('complete', 'answer validated');
          return;
        }
      }
    } catch (ignored) {
      // fall through: the connection failed and we cannot tell more
    }
    setState('error', `connection failed after token ${s.lastSeq}; the text so far is kept`);
  }

  function closeSource() {
    if (s.source) s.source.close();
    s.source = null;
  }

  async function open(resume) {
    setState(resume ? 'reconnecting' : 'connecting', resume ? `resuming after token ${s.lastSeq}` : 'opening the stream');
    const issued = await post(`/v1/coach/sessions/${s.sessionId}/stream-tickets`);
    let url = s.streamUrl + '?';
    if (resume && s.lastSeq > 0) url += `last_event_id=${s.lastSeq}&`;
    url += 'ticket=' + encodeURIComponent(issued.ticket);
    const source = new EventSource(url);
    s.source = source;
    source.addEventListener('open', () => {
      if (source === s.source) setState('streaming');
    });
    source.addEventListener('token', onToken);
    source.addEventListener('partial', onPartial);
    source.addEventListener('done', onDone);
    source.addEventListener('reconnect', onReconnect);
    source.addEventListener('error', onError);
  }

  function reopen(why) {
    closeSource();
    flush();
    s.reconnects++;
    open(true).catch((e) => setState('error', `${why}: ${e.message}`));
  }

  async function start(event) {
    event.preventDefault();
    closeSource();
    Object.assign(s, { sessionId: null, streamUrl: null, lastSeq: 0, text: '', pendingText: '', partial: null,
      pendingPartial: false, reconnects: 0, skipped: 0 });
    textNode.data = '';
    renderAnswer(null);
    $('session').textContent = '';
    setState('connecting', 'creating a session');
    try {
      const created = await post('/v1/coach/sessions', { prompt: $('prompt').value, asset_type: $('asset-type').value });
      s.sessionId = created.session_id;
      s.streamUrl = created.stream_url;
      document.body.dataset.sessionId = s.sessionId;
      $('session').textContent = `session ${s.sessionId}`;
      await open(false);
    } catch (e) {
      closeSource();
      setState('error', e.message);
    }
  }

  // Sign-in through the auth edge (/auth/login, served by the ingest role): the access token
  // goes into the token field and stays in memory only; the refresh token is not kept.
  async function signIn(event) {
    event.preventDefault();
    $('signin-status').textContent = 'signing in…';
    try {
      const response = await fetch('/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify({ email: $('email').value, password: $('password').value }),
      });
      const json = await response.json().catch(() => null);
      if (!response.ok || !json || !json.access_token) {
        const why = json && (json.detail || json.title);
        throw new Error(why || `HTTP ${response.status}`);
      }
      $('token').value = json.access_token;
      $('password').value = '';
      $('signin-status').textContent = `signed in; the access token is valid for ${json.expires_in} s`;
    } catch (e) {
      $('signin-status').textContent = `sign-in failed: ${e.message}`;
    }
  }

  function stop() {
    closeSource();
    flush();
    setState('cancelled', `stopped after token ${s.lastSeq}`);
    $('retry').hidden = !s.sessionId;
  }

  function retry() {
    if (!s.sessionId) return;
    s.reconnects++;
    open(true).catch((e) => setState('error', e.message));
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('text').appendChild(textNode);
    $('signin').addEventListener('submit', signIn);
    $('ask').addEventListener('submit', start);
    $('stop').addEventListener('click', stop);
    $('retry').addEventListener('click', retry);
    setState('idle');
    progress();
  });
})();
