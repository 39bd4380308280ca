// mapreduce.js — xtractr's CouchDB-style map/reduce driver, run inside each connection's V8
// context. Evaluates to a function that takes the Doc constructor (doc_object.h) and returns
// { newJob }. Not reachable from user code except through `emit`.
//
// A job: job.feed(doc) runs map(doc); every emit(key, value) lands in the key's group.
// Built-in reducers (_sum, _count, _stats) fold each value in as it comes. A JavaScript
// reducer is called on batches of 1,000 values (rereduce=false) and the partial results are
// reduced again (rereduce=true), as CouchDB does, so memory stays bounded per key.
// job.object() gives {key: value} as JSON text, keys in CouchDB order; job.rows() gives
// [[key, value], ...] sorted by value, largest first (or by key, for time series).
(function (Doc) {
  'use strict';
  const MAX_KEY = 1024;   // longer keys are cut, as in xtractr
  const BATCH = 1000;
  let current = null;     // the job whose map function is running

  function keyText(key) {
    let text = typeof key === 'string' ? key
      : typeof key === 'number' && isFinite(key) ? '' + key
      : JSON.stringify(key === undefined ? null : key);
    if (text === undefined) text = String(key);
    return text.length > MAX_KEY ? text.slice(0, MAX_KEY) : text;
  }

  function plain(value) {
    return typeof value === 'object' && value !== null && value instanceof Doc ? value.toJSON() : value;
  }

  function notNumbers(name) {
    return new Error('builtin ' + name + ' function requires map values to be numbers, lists of numbers or objects of numbers');
  }

  // _sum: numbers, arrays (element-wise, the longer wins) and objects (member-wise), nested.
  function sumInto(acc, v) {
    if (typeof acc === 'number' && typeof v === 'number') return acc + v;
    if (Array.isArray(acc) && Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) acc[i] = i < acc.length ? sumInto(acc[i], v[i]) : copy(v[i]);
      return acc;
    }
    if (acc && v && typeof acc === 'object' && typeof v === 'object' && !Array.isArray(acc) && !Array.isArray(v)) {
      for (const k of Object.keys(v)) acc[k] = k in acc ? sumInto(acc[k], v[k]) : copy(v[k]);
      return acc;
    }
    throw notNumbers('_sum');
  }
  function copy(v) {
    if (typeof v === 'number') return v;
    if (Array.isArray(v)) return v.map(copy);
    if (v && typeof v === 'object') { const o = {}; for (const k of Object.keys(v)) o[k] = copy(v[k]); return o; }
    throw notNumbers('_sum');
  }

  // _stats: {sum, count, min, max, sumsqr}; inputs are numbers, arrays of numbers or
  // already-reduced stats objects.
  function stat(v) {
    if (typeof v === 'number') return { sum: v, count: 1, min: v, max: v, sumsqr: v * v };
    if (Array.isArray(v)) return v.map(stat);
    if (v && typeof v === 'object' && typeof v.sum === 'number' && typeof v.count === 'number' &&
        typeof v.min === 'number' && typeof v.max === 'number')
      return { sum: v.sum, count: v.count, min: v.min, max: v.max, sumsqr: typeof v.sumsqr === 'number' ? v.sumsqr : 0 };
    throw new Error('builtin _stats function requires map values to be numbers or lists of numbers');
  }
  function statInto(acc, s) {
    if (Array.isArray(acc) !== Array.isArray(s)) throw new Error('builtin _stats function requires map values of one shape');
    if (Array.isArray(acc)) {
      for (let i = 0; i < s.length; i++) acc[i] = i < acc.length ? statInto(acc[i], s[i]) : s[i];
      return acc;
    }
    acc.sum += s.sum; acc.count += s.count; acc.sumsqr += s.sumsqr;
    if (s.min < acc.min) acc.min = s.min;
    if (s.max > acc.max) acc.max = s.max;
    return acc;
  }

  // Built-in reducers as folds: step(acc | undefined, value) -> acc.
  const builtins = {
    _count: function (acc) { return acc === undefined ? 1 : acc + 1; },
    _sum: function (acc, v) {
      if (acc === undefined) return copy(v);
      return typeof acc === 'number' && typeof v === 'number' ? acc + v : sumInto(acc, v);
    },
    _stats: function (acc, v) { return acc === undefined ? stat(v) : statInto(acc, stat(v)); },
  };

  function compareKeys(a, b) {
    const ta = typeof a, tb = typeof b;
    if (ta === 'number' && tb === 'number') return a - b;
    if (ta === 'number') return -1;
    if (tb === 'number') return 1;
    const sa = keyText(a), sb = keyText(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }

  // How large a value is, for "largest first".
  function rank(v) {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') {
      for (const k of ['sum', 'max', 'count', 'total']) if (typeof v[k] === 'number') return v[k];
      let total = 0;
      for (const k of Object.keys(v)) if (typeof v[k] === 'number') total += v[k];
      return total;
    }
    return -Infinity;
  }

  function newJob(map, reduce, options) {
    options = options || {};
    const groups = new Map();   // key text -> group
    const fold = typeof reduce === 'string' ? builtins[reduce] : undefined;
    if (typeof reduce === 'string' && !fold)
      throw new Error('unknown built-in reducer ' + reduce + ' (use _sum, _count, _stats or a function)');
    const userReduce = typeof reduce === 'function' ? reduce : undefined;
    let doc = null;

    function emit(key, value) {
      const text = keyText(key);
      value = value === undefined ? null : plain(value);
      let group = groups.get(text);
      if (group === undefined) {
        group = { key: typeof key === 'string' || text.length === MAX_KEY ? text : plain(key), acc: undefined, keys: [], values: [], partials: [] };
        groups.set(text, group);
      }
      if (fold) { group.acc = fold(group.acc, value); return; }
      group.values.push(value);
      if (!userReduce) return;
      group.keys.push([group.key, doc && typeof doc === 'object' ? doc.id : null]);
      if (group.values.length >= BATCH) {
        group.partials.push(userReduce(group.keys, group.values, false));
        group.keys = []; group.values = [];
        if (group.partials.length >= BATCH) group.partials = [userReduce(null, group.partials, true)];
      }
    }

    function value(group) {
      let v;
      if (fold) v = group.acc;
      else if (!userReduce) v = group.values;
      else {
        if (group.values.length) group.partials.push(userReduce(group.keys, group.values, false));
        group.keys = []; group.values = [];
        v = group.partials.length === 1 ? group.partials[0] : userReduce(null, group.partials, true);
      }
      return options.final ? options.final(v) : v;
    }

    const job = {
      emit: emit,
      feed: function (d) {
        const saved = current;
        current = job; doc = d;
        try { map(d); } finally { current = saved; doc = null; }
      },
      // Every doc next() returns, until it returns null.
      drain: function (next) {
        const saved = current;
        current = job;
        try {
          for (let d = next(); d !== null; d = next()) { doc = d; map(d); }
        } finally { current = saved; doc = null; }
      },
      // [[key, value], ...]: by value, largest first (ties by key), or by key.
      rows: function () {
        const rows = [];
        for (const group of groups.values()) rows.push([group.key, value(group)]);
        if (options.order === 'key') rows.sort(function (a, b) { return compareKeys(a[0], b[0]); });
        else rows.sort(function (a, b) { return rank(b[1]) - rank(a[1]) || compareKeys(a[0], b[0]); });
        return rows;
      },
      // {key: value, ...} as JSON text, keys in order.
      object: function () {
        const rows = [];
        for (const group of groups.values()) rows.push([group.key, value(group)]);
        rows.sort(function (a, b) { return compareKeys(a[0], b[0]); });
        const out = {};
        for (const row of rows) out[keyText(row[0])] = row[1] === undefined ? null : row[1];
        return JSON.stringify(out);
      },
    };
    return job;
  }

  globalThis.emit = function emit(key, value) {
    if (current === null) throw new Error('emit() can only be called from a map function');
    current.emit(key, value);
  };

  return { newJob: newJob };
})
