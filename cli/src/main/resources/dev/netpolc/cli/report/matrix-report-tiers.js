// netpolc matrix report, tier layer: only in reports of input with cluster network policies.
// It marks which tier decided each cell of the tables the report draws (it watches them, so the
// report itself is unchanged), adds a legend, a "decided by" filter and a detail box, and names
// tier, policy, rule and Pass chain in each pod cell's tooltip. Input names reach the page only
// through textContent and setAttribute. The filter lives in the query (?tier=admin) because the
// fragment belongs to the report, which rewrites it.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('netpolc-data').textContent);
  const tiers = data.tiers;
  if (!tiers || data.matrices.length === 0) {
    return;
  }
  const byId = (id) => document.getElementById(id);
  // id, name, badge letter; the order breaks ties for a heat-map cell's main tier.
  const TIERS = [
    ['admin', 'Admin tier', 'A'],
    ['network-policy', 'NetworkPolicy tier', 'N'],
    ['baseline', 'Baseline tier', 'B'],
    ['calico', 'Calico tier', 'C'],
    ['default', 'default (no tier decided)', 'D'],
    ['none', 'no policy consulted', '\u2013'],
  ];
  const NAME = {};
  const BADGE = {};
  for (const t of TIERS) {
    NAME[t[0]] = t[1];
    BADGE[t[0]] = t[2];
  }
  const SETTLED = {
    'node-local': 'between a pod and its own node (hostNetwork): exempt, allowed',
    'same-address': 'the two pods share an address (hostNetwork pods of one node): allowed',
    'no-port': 'the destination does not declare the named port: nothing to connect to',
    'no-address': 'the two pods share no address family: nothing to connect to',
  };
  const state = { tier: '', selected: null };

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

  function current() {
    const i = Number(byId('probe').value);
    return data.matrices[Number.isInteger(i) && data.matrices[i] ? i : 0];
  }

  // Per matrix, on first use: pod key -> index, namespace -> pod indices, rows decoded lazily.
  function index(m) {
    if (!m.tierIndex) {
      const keys = m.pods.map((p) => m.namespaces[p[0]] + '/' + p[1]);
      const byKey = new Map(keys.map((k, i) => [k, i]));
      const byNs = new Map();
      m.pods.forEach((p, i) => {
        const ns = m.namespaces[p[0]];
        if (!byNs.has(ns)) {
          byNs.set(ns, []);
        }
        byNs.get(ns).push(i);
      });
      m.tierIndex = { keys: keys, byKey: byKey, byNs: byNs, rows: [], reach: [] };
    }
    return m.tierIndex;
  }

  // The decision of cell i -> j (i != j), from the run-length encoded row.
  function decision(m, i, j) {
    const ix = index(m);
    if (!ix.rows[i]) {
      const out = new Int32Array(m.pods.length);
      const runs = m.decided[i];
      let k = 0;
      for (let r = 0; r < runs.length; r += 2) {
        out.fill(runs[r], k, k + runs[r + 1]);
        k += runs[r + 1];
      }
      ix.rows[i] = out;
    }
    return tiers.decisions[ix.rows[i][j]];
  }

  function reaches(m, i, j) {
    const ix = index(m);
    if (!ix.reach[i]) {
      ix.reach[i] = new Set(m.allowed[i]);
    }
    return ix.reach[i].has(j);
  }

  function ruleText(r, direction) {
    return tiers.strings[r.policy] + ' spec.' + direction + '[' + r.index + ']'
        + (r.name === undefined ? '' : ' \u201c' + tiers.strings[r.name] + '\u201d');
  }

  function verdictText(v) {
    let text;
    if (v.applies === false) {
      text = 'not a pod policy applies to: allowed';
    } else if (v.tier === 'default') {
      text = 'no tier decided: allowed by default';
    } else if (v.tier === 'network-policy') {
      text = v.allowed
          ? 'NetworkPolicy tier: allowed by ' + ruleText(v.rule, v.direction)
          : 'NetworkPolicy tier: denied, isolated by ' + v.isolatedBy.map((s) => tiers.strings[s]).join(', ')
            + ' and no rule allows it';
    } else if (v.tier === 'calico') {
      text = 'Calico tier ' + tiers.strings[v.calicoTier] + ': ' + (v.rule
          ? v.rule.action + ' by ' + ruleText(v.rule, v.direction)
          : 'no rule matched, the tier\u2019s default Deny');
    } else {
      text = NAME[v.tier] + ': ' + v.rule.action + ' by ' + ruleText(v.rule, v.direction);
    }
    if (v.passes) {
      text += ' (after Pass by ' + v.passes.map((p) => ruleText(p, v.direction)).join(', then ') + ')';
    }
    return text;
  }

  // The detail of cell i -> j, one line each: the deciding tier, then each direction.
  function cellLines(m, i, j) {
    const ix = index(m);
    const d = decision(m, i, j);
    const lines = [];
    if (d.settled !== undefined) {
      lines.push('Decided by: ' + NAME.none + ' (' + (d.allowed ? 'allowed' : 'denied') + ')');
      lines.push(SETTLED[d.settled] || d.settled);
    } else {
      const side = d.by === 'egress' ? ix.keys[i] : ix.keys[j];
      lines.push('Decided by: ' + NAME[d.tier] + ', in ' + d.by + ' of ' + side
          + ' (' + (d.allowed ? 'allowed' : 'denied') + ')');
      lines.push('egress of ' + ix.keys[i] + ': ' + verdictText(tiers.verdicts[d.egress]));
      lines.push('ingress of ' + ix.keys[j] + ': ' + verdictText(tiers.verdicts[d.ingress]));
    }
    if (d.allowed !== reaches(m, i, j)) {
      lines.push('Note: the reference evaluator decides this cell otherwise than the matrix (--via).');
    }
    return lines;
  }

  function decoratePods() {
    const m = current();
    const ix = index(m);
    let selectedShown = false;
    for (const td of byId('podgrid').querySelectorAll('td.cell')) {
      const i = ix.byKey.get(td.getAttribute('data-from'));
      const j = ix.byKey.get(td.getAttribute('data-to'));
      if (i === undefined || j === undefined || i === j || td.hasAttribute('data-tier')) {
        continue;
      }
      const d = decision(m, i, j);
      const lines = cellLines(m, i, j);
      td.setAttribute('data-tier', d.tier);
      td.setAttribute('data-tier-badge', BADGE[d.tier]);
      td.classList.add('tier-' + d.tier);
      td.setAttribute('title', td.getAttribute('title') + '\n' + lines.join('\n'));
      td.setAttribute('aria-label', td.getAttribute('aria-label') + '. ' + lines.join('. '));
      td.setAttribute('tabindex', '0');
      const select = () => {
        state.selected = [ix.keys[i], ix.keys[j]];
        renderDetail();
      };
      td.addEventListener('click', select);
      td.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          select();
        }
      });
      if (state.selected && state.selected[0] === ix.keys[i] && state.selected[1] === ix.keys[j]) {
        selectedShown = true;
      }
    }
    if (!selectedShown) {
      state.selected = null;
    }
    renderDetail();
  }

  function decorateHeatmap() {
    const m = current();
    const ix = index(m);
    for (const td of byId('heatmap').querySelectorAll('td.hm')) {
      const a = ix.byNs.get(td.getAttribute('data-from')) || [];
      const b = ix.byNs.get(td.getAttribute('data-to')) || [];
      const counts = {};
      let total = 0;
      for (const i of a) {
        for (const j of b) {
          if (i !== j) {
            const t = decision(m, i, j).tier;
            counts[t] = (counts[t] || 0) + 1;
            total++;
          }
        }
      }
      const button = td.querySelector('button');
      if (total === 0 || !button || td.hasAttribute('data-tier')) {
        continue;
      }
      let main = null;
      const parts = [];
      const strip = el('span', { class: 'tier-strip', 'aria-hidden': 'true' });
      for (const t of TIERS) {
        const n = counts[t[0]] || 0;
        if (n > 0) {
          if (main === null || n > counts[main]) {
            main = t[0];
          }
          parts.push(t[0] + ':' + n);
          strip.appendChild(el('span', { class: 't-' + t[0], style: 'flex-grow:' + n }));
        }
      }
      td.setAttribute('data-tier', main);
      td.setAttribute('data-tiers', parts.join(' '));
      td.classList.add('tier-' + main);
      const words = 'decided by ' + TIERS.filter((t) => counts[t[0]]).map((t) => t[1] + ' ' + counts[t[0]]).join(', ');
      button.setAttribute('title', button.getAttribute('title') + '\n' + words);
      button.setAttribute('aria-label', button.getAttribute('aria-label') + '; ' + words);
      button.appendChild(strip);
    }
  }

  // Dims the cells the chosen tier did not decide (heat map: none of its pairs).
  function applyFilter() {
    for (const td of byId('podgrid').querySelectorAll('td[data-tier]')) {
      td.classList.toggle('tier-dim', state.tier !== '' && td.getAttribute('data-tier') !== state.tier);
    }
    for (const td of byId('heatmap').querySelectorAll('td[data-tier]')) {
      const has = (' ' + td.getAttribute('data-tiers')).includes(' ' + state.tier + ':');
      td.classList.toggle('tier-dim', state.tier !== '' && !has);
    }
    for (const td of byId('podgrid').querySelectorAll('td.cell')) {
      const sel = state.selected !== null && td.getAttribute('data-from') === state.selected[0]
          && td.getAttribute('data-to') === state.selected[1];
      td.classList.toggle('tier-selected', sel);
    }
  }

  function renderDetail() {
    const box = byId('tier-detail');
    box.replaceChildren();
    const m = current();
    const ix = index(m);
    const i = state.selected ? ix.byKey.get(state.selected[0]) : undefined;
    const j = state.selected ? ix.byKey.get(state.selected[1]) : undefined;
    if (i === undefined || j === undefined || i === j) {
      box.appendChild(el('p', { class: 'hint' }, 'Choose a pod cell to see which tier, policy and rule decided it.'));
    } else {
      box.appendChild(el('h3', null, ix.keys[i] + ' \u2192 ' + ix.keys[j]));
      for (const line of cellLines(m, i, j)) {
        box.appendChild(el('p', null, line));
      }
    }
    applyFilter();
  }

  function renderLegend() {
    const legend = byId('legend');
    const key = el('span', { class: 'tier-key' });
    key.appendChild(document.createTextNode('Decided by:'));
    for (const t of TIERS) {
      const item = el('span', { class: 'tier-item' });
      item.appendChild(el('span', { class: 'tier-badge t-' + t[0], 'aria-hidden': 'true' }, t[2]));
      item.appendChild(document.createTextNode(t[1]));
      key.appendChild(item);
    }
    legend.appendChild(key);
    legend.appendChild(el('span', null, 'the bar under a count: the tiers that decided its pairs'));
  }

  function setQuery() {
    const query = state.tier === '' ? '' : '?tier=' + encodeURIComponent(state.tier);
    try {
      history.replaceState(null, '', location.pathname + query + location.hash);
    } catch (e) {
      // Some viewers forbid history changes on file: pages; the filter still works.
    }
  }

  const filter = el('select', { id: 'tier-filter' });
  filter.appendChild(el('option', { value: '' }, 'any tier'));
  for (const t of TIERS) {
    filter.appendChild(el('option', { value: t[0] }, t[1]));
  }
  const label = el('label', { class: 'control' }, 'Decided by');
  label.appendChild(filter);
  document.querySelector('form.controls').appendChild(label);
  const wanted = new URLSearchParams(location.search).get('tier');
  if (wanted !== null && NAME[wanted] !== undefined) {
    state.tier = wanted;
  } else if (wanted !== null) {
    const notice = byId('notice');
    notice.textContent = (notice.hidden ? '' : notice.textContent + ' ') + 'Ignored in the address: tier='
        + wanted + ' (not a tier).';
    notice.hidden = false;
  }
  filter.value = state.tier;
  filter.addEventListener('change', () => {
    state.tier = filter.value;
    setQuery();
    applyFilter();
  });
  byId('drill').appendChild(el('div', { id: 'tier-detail', class: 'tier-detail', 'aria-live': 'polite' }));
  renderLegend();
  new MutationObserver(() => { decorateHeatmap(); applyFilter(); })
      .observe(byId('heatmap'), { childList: true });
  new MutationObserver(decoratePods).observe(byId('podgrid'), { childList: true });
  decorateHeatmap();
  decoratePods();
})();
