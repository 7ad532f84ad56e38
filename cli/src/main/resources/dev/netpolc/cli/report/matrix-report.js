// netpolc matrix report. Every user-derived string reaches the page through textContent or
// setAttribute, never as markup. The page state lives in the URL fragment:
// #port=8080/TCP&drill=frontend,backend&ns=front&show=denied
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('netpolc-data').textContent);
  const byId = (id) => document.getElementById(id);
  const state = { probe: 0, drill: null, filter: '', show: 'all' };

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        e.setAttribute(k, attrs[k]);
      }
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  // Per probe: the pods of each namespace and the namespace x namespace counts of pairs of
  // distinct pods (a pod always reaches itself, so that pair says nothing).
  function prepare(m) {
    m.nsPods = m.namespaces.map(() => []);
    m.pods.forEach((p, i) => m.nsPods[p[0]].push(i));
    m.reach = m.allowed.map((list) => new Set(list));
    const n = m.namespaces.length;
    m.counts = [];
    for (let a = 0; a < n; a++) {
      m.counts.push([]);
      for (let b = 0; b < n; b++) {
        const sa = m.nsPods[a].length;
        const sb = m.nsPods[b].length;
        m.counts[a].push({ allowed: 0, total: sa * sb - (a === b ? sa : 0) });
      }
    }
    m.allowed.forEach((list, from) => {
      for (const to of list) {
        if (to !== from) {
          m.counts[m.pods[from][0]][m.pods[to][0]].allowed++;
        }
      }
    });
  }
  data.matrices.forEach(prepare);

  function podKey(m, i) {
    return m.namespaces[m.pods[i][0]] + '/' + m.pods[i][1];
  }

  // Light slate (nothing allowed) through light blue to deep blue (everything allowed).
  const STOPS = [[0, [241, 245, 249]], [0.001, [207, 226, 255]], [0.5, [96, 165, 250]], [1, [30, 58, 138]]];
  function colour(f) {
    for (let i = 1; i < STOPS.length; i++) {
      if (f <= STOPS[i][0]) {
        const [f0, c0] = STOPS[i - 1];
        const [f1, c1] = STOPS[i];
        const t = f1 === f0 ? 1 : (f - f0) / (f1 - f0);
        const c = c0.map((v, k) => Math.round(v + (c1[k] - v) * t));
        return 'rgb(' + c.join(', ') + ')';
      }
    }
    return 'rgb(30, 58, 138)';
  }

  function percent(c) {
    return c.total === 0 ? '' : ' (' + Math.round((100 * c.allowed) / c.total) + '%)';
  }

  function visibleNamespaces(m) {
    const terms = state.filter.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
    const out = [];
    m.namespaces.forEach((ns, i) => {
      if (terms.length === 0 || terms.some((t) => ns.toLowerCase().includes(t))) {
        out.push(i);
      }
    });
    return out;
  }

  function shown(allowed, total) {
    if (state.show === 'allowed') {
      return allowed > 0;
    }
    if (state.show === 'denied') {
      return allowed < total;
    }
    return true;
  }

  function renderHeatmap() {
    const m = data.matrices[state.probe];
    const box = byId('heatmap');
    box.replaceChildren();
    let allowed = 0;
    let total = 0;
    m.counts.forEach((row) => row.forEach((c) => { allowed += c.allowed; total += c.total; }));
    byId('heatmap-summary').textContent = m.title + ': ' + allowed + ' of ' + total
        + ' pairs of distinct pods allowed' + percent({ allowed: allowed, total: total })
        + '. Choose a cell to see its pods.';
    const visible = visibleNamespaces(m);
    if (visible.length === 0) {
      box.appendChild(el('p', { class: 'hint' }, m.namespaces.length === 0 ? 'No pods.' : 'No namespace matches the filter.'));
      return;
    }
    const table = el('table', { class: 'heatmap', 'aria-describedby': 'legend' });
    table.appendChild(el('caption', null, 'Allowed pairs of pods, from the row\u2019s namespace to the column\u2019s, ' + m.title));
    const head = el('tr');
    head.appendChild(el('th', { class: 'corner', scope: 'col' }, 'from \u2193 to \u2192'));
    for (const b of visible) {
      head.appendChild(el('th', { scope: 'col' }, m.namespaces[b]));
    }
    table.appendChild(el('thead')).appendChild(head);
    const body = table.appendChild(el('tbody'));
    for (const a of visible) {
      const tr = body.appendChild(el('tr'));
      tr.appendChild(el('th', { scope: 'row' }, m.namespaces[a]));
      for (const b of visible) {
        const c = m.counts[a][b];
        const from = m.namespaces[a];
        const to = m.namespaces[b];
        const label = from + ' \u2192 ' + to + ': ' + (c.total === 0
            ? 'no pairs of distinct pods'
            : c.allowed + ' of ' + c.total + ' pod pairs allowed' + percent(c));
        const td = el('td', {
          class: 'hm', 'data-from': from, 'data-to': to,
          'data-allowed': String(c.allowed), 'data-total': String(c.total),
        });
        if (c.total === 0) {
          td.classList.add('none');
        } else {
          const f = c.allowed / c.total;
          td.style.background = colour(f);
          td.style.color = f > 0.6 ? '#ffffff' : f === 0 ? '#64748b' : '#0f172a';
        }
        if (!shown(c.allowed, c.total)) {
          td.classList.add('dim');
        }
        if (state.drill && state.drill[0] === from && state.drill[1] === to) {
          td.classList.add('selected');
        }
        const button = el('button', { type: 'button', title: label, 'aria-label': label + '; show the pods' },
            c.total === 0 ? '\u2013' : c.allowed + '/' + c.total);
        button.addEventListener('click', () => {
          state.drill = [from, to];
          update();
          byId('drill').scrollIntoView({ block: 'nearest' });
        });
        td.appendChild(button);
        tr.appendChild(td);
      }
    }
    box.appendChild(table);
  }

  function renderLegend() {
    const legend = byId('legend');
    legend.replaceChildren();
    const none = el('span');
    none.appendChild(el('span', { class: 'swatch', style: 'background:' + colour(0) }));
    none.appendChild(document.createTextNode('none allowed'));
    legend.appendChild(none);
    const ramp = el('span');
    ramp.appendChild(document.createTextNode('some'));
    const bar = ramp.appendChild(el('span', { class: 'ramp', 'aria-hidden': 'true' }));
    for (let i = 1; i <= 8; i++) {
      bar.appendChild(el('span', { style: 'background:' + colour(i / 8) }));
    }
    ramp.appendChild(document.createTextNode('all allowed'));
    legend.appendChild(ramp);
    const empty = el('span');
    empty.appendChild(el('span', { class: 'swatch', style: 'background: repeating-linear-gradient(45deg, #f8fafc, #f8fafc 5px, #e2e8f0 5px, #e2e8f0 6px)' }));
    empty.appendChild(document.createTextNode('no pairs (one pod, talking to itself)'));
    legend.appendChild(empty);
    legend.appendChild(el('span', null, 'k/n: k of n pairs of distinct pods allowed'));
    legend.appendChild(el('span', null, '\u2713 allowed, \u2717 denied'));
  }

  function renderDrill() {
    const m = data.matrices[state.probe];
    const box = byId('podgrid');
    box.replaceChildren();
    const a = state.drill ? m.namespaces.indexOf(state.drill[0]) : -1;
    const b = state.drill ? m.namespaces.indexOf(state.drill[1]) : -1;
    if (a < 0 || b < 0) {
      byId('drill-title').textContent = 'Pods';
      byId('drill-summary').textContent = 'Choose a cell of the heat map to see which pods of the two namespaces reach each other.';
      return;
    }
    const c = m.counts[a][b];
    const title = byId('drill-title');
    title.textContent = m.namespaces[a] + ' \u2192 ' + m.namespaces[b];
    const close = el('button', { type: 'button', class: 'close', 'aria-label': 'Close the pod view' }, 'close');
    close.addEventListener('click', () => { state.drill = null; update(); });
    title.appendChild(close);
    byId('drill-summary').textContent = m.title + ': ' + c.allowed + ' of ' + c.total
        + ' pairs of distinct pods allowed' + percent(c) + '.';
    const table = el('table', { class: 'pods' });
    table.appendChild(el('caption', null, 'Rows: pods of ' + m.namespaces[a] + ' (from); columns: pods of '
        + m.namespaces[b] + ' (to)'));
    const head = el('tr');
    head.appendChild(el('th', { class: 'corner', scope: 'col' }, 'from \u2193 to \u2192'));
    for (const j of m.nsPods[b]) {
      head.appendChild(el('th', { scope: 'col', title: podKey(m, j) }, m.pods[j][1]));
    }
    table.appendChild(el('thead')).appendChild(head);
    const body = table.appendChild(el('tbody'));
    for (const i of m.nsPods[a]) {
      const tr = body.appendChild(el('tr'));
      tr.appendChild(el('th', { scope: 'row', title: podKey(m, i) }, m.pods[i][1]));
      for (const j of m.nsPods[b]) {
        const yes = m.reach[i].has(j);
        const self = i === j;
        const label = podKey(m, i) + ' \u2192 ' + podKey(m, j) + ': '
            + (self ? 'the same pod (always allowed)' : yes ? 'allowed' : 'denied');
        const td = el('td', {
          class: 'cell ' + (self ? 'self' : yes ? 'yes' : 'no'),
          'data-from': podKey(m, i), 'data-to': podKey(m, j), 'data-allowed': String(yes),
          title: label, 'aria-label': label,
        }, yes ? '\u2713' : '\u2717');
        if (!self && !shown(yes ? 1 : 0, 1)) {
          td.classList.add('dim');
        }
        tr.appendChild(td);
      }
    }
    box.appendChild(table);
  }

  function fragment() {
    const parts = ['port=' + encodeURIComponent(data.matrices[state.probe].probe).replace(/%2F/g, '/')];
    if (state.drill) {
      parts.push('drill=' + state.drill.map(encodeURIComponent).join(','));
    }
    if (state.filter !== '') {
      parts.push('ns=' + encodeURIComponent(state.filter));
    }
    if (state.show !== 'all') {
      parts.push('show=' + state.show);
    }
    return '#' + parts.join('&');
  }

  function decode(s) {
    try {
      return decodeURIComponent(s);
    } catch (e) {
      return s;
    }
  }

  // Reads the fragment into the state; returns what it could not use.
  function readFragment() {
    const problems = [];
    const hash = location.hash.replace(/^#/, '');
    if (hash === '') {
      return problems;
    }
    for (const part of hash.split('&')) {
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.substring(0, eq);
      const raw = eq < 0 ? '' : part.substring(eq + 1);
      if (key === 'port') {
        const want = decode(raw).toLowerCase();
        const found = data.matrices.findIndex((m) => m.probe.toLowerCase() === want);
        if (found < 0) {
          problems.push('no matrix for port ' + decode(raw));
        } else {
          state.probe = found;
        }
      } else if (key === 'drill') {
        const pair = raw.split(',').map(decode);
        if (pair.length === 2) {
          state.drill = pair;
        } else {
          problems.push('drill needs two namespaces: drill=FROM,TO');
        }
      } else if (key === 'ns') {
        state.filter = decode(raw);
      } else if (key === 'show' && ['all', 'allowed', 'denied'].includes(raw)) {
        state.show = raw;
      } else if (key !== '') {
        problems.push('unknown setting ' + decode(key));
      }
    }
    const m = data.matrices[state.probe];
    if (state.drill && state.drill.some((ns) => !m.namespaces.includes(ns))) {
      problems.push('no pods in namespace ' + state.drill.filter((ns) => !m.namespaces.includes(ns)).join(', '));
      state.drill = null;
    }
    return problems;
  }

  function update() {
    const m = data.matrices[state.probe];
    if (state.drill && state.drill.some((ns) => !m.namespaces.includes(ns))) {
      state.drill = null;
    }
    byId('probe').value = String(state.probe);
    byId('ns-filter').value = state.filter;
    for (const r of document.querySelectorAll('input[name=show]')) {
      r.checked = r.value === state.show;
    }
    renderHeatmap();
    renderDrill();
    const f = fragment();
    if (location.hash !== f) {
      try {
        history.replaceState(null, '', f);
      } catch (e) {
        // Some viewers forbid history changes on file: pages; the report still works.
      }
    }
  }

  function showProblems(problems) {
    const notice = byId('notice');
    notice.hidden = problems.length === 0;
    notice.textContent = problems.length === 0 ? '' : 'Ignored in the address: ' + problems.join('; ') + '.';
  }

  const select = byId('probe');
  data.matrices.forEach((m, i) => select.appendChild(el('option', { value: String(i) }, m.title)));
  select.addEventListener('change', () => { state.probe = Number(select.value); update(); });
  byId('ns-filter').addEventListener('input', (e) => { state.filter = e.target.value; update(); });
  for (const r of document.querySelectorAll('input[name=show]')) {
    r.addEventListener('change', () => { state.show = r.value; update(); });
  }
  window.addEventListener('hashchange', () => {
    if (location.hash !== fragment()) {
      Object.assign(state, { probe: 0, drill: null, filter: '', show: 'all' });
      showProblems(readFragment());
      update();
    }
  });
  renderLegend();
  if (data.matrices.length === 0) {
    byId('heatmap').appendChild(el('p', { class: 'hint' }, 'No matrices.'));
    return;
  }
  showProblems(readFragment());
  update();
})();
