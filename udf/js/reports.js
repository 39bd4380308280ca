// reports.js — xtractr's built-in reports, each a CouchDB-style map/reduce pair, used by
// xtractr_report(capture, 'QUERY > REPORT'). Evaluates to a table: name -> function(args...)
// returning { map, reduce, final (optional, applied to each reduced value), order }.
// Field names may be Wireshark fields ('dns.qry.name') or columns ('flow.src', 'pkt.length').
(function () {
  'use strict';

  // fn(value) for each value of a field (doc.values without the native call: faster here).
  function each(doc, field, fn) {
    const v = doc[field];
    if (v === undefined) return;
    if (Array.isArray(v)) { for (let i = 0; i < v.length; i++) fn(v[i]); } else fn(v);
  }

  // The first value of a field as a number, or undefined.
  function number(doc, field) {
    let v = doc[field];
    if (Array.isArray(v)) v = v[0];
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string' && v.trim() !== '') v = Number(v);
    return typeof v === 'number' && isFinite(v) ? v : undefined;
  }

  function seconds(s, report) {
    const n = Number(s);
    if (!(n > 0)) throw new Error(report + '(): the interval must be a positive number of seconds, not ' + s);
    return n;
  }

  // The start of the interval holding the doc's time.
  function bucket(doc, interval) {
    let t = doc.time;
    if (typeof t !== 'number') t = number(doc, 'frame.time_epoch');
    return typeof t === 'number' ? Math.floor(t / interval) * interval : undefined;
  }

  function field(name, report) {
    if (typeof name !== 'string' || name === '') throw new Error(report + '(): name a field, e.g. ' + report + "('http.host')");
    return name;
  }

  function count(f) {
    f = field(f, 'count');
    return {
      map: function (doc) { each(doc, f, function (v) { emit(v, 1); }); },
      reduce: '_count',
    };
  }

  function keyed(report, k, v, reduce, final) {
    k = field(k, report); v = field(v, report);
    return {
      map: function (doc) {
        const n = number(doc, v);
        if (n !== undefined) each(doc, k, function (key) { emit(key, n); });
      },
      reduce: reduce,
      final: final,
    };
  }

  return {
    count: count,
    values: count,
    sum: function (k, v) { return keyed('sum', k, v, '_sum'); },
    avg: function (k, v) { return keyed('avg', k, v, '_stats', function (s) { return s.sum / s.count; }); },
    minmax: function (k, v) {
      return keyed('minmax', k, v, '_stats', function (s) { return { min: s.min, max: s.max, count: s.count }; });
    },
    count_over_time: function (s) {
      const interval = seconds(s, 'count_over_time');
      return {
        map: function (doc) { const b = bucket(doc, interval); if (b !== undefined) emit(b, 1); },
        reduce: '_count',
        order: 'key',
      };
    },
    count_x_over_time: function (f, s) {
      f = field(f, 'count_x_over_time');
      const interval = seconds(s, 'count_x_over_time');
      return {
        map: function (doc) {
          const b = bucket(doc, interval);
          if (b === undefined) return;
          each(doc, f, function (x) { const counts = {}; counts[x] = 1; emit(b, counts); });
        },
        reduce: '_sum',
        order: 'key',
      };
    },
    sum_over_time: function (f, s) {
      f = field(f, 'sum_over_time');
      const interval = seconds(s, 'sum_over_time');
      return {
        map: function (doc) {
          const b = bucket(doc, interval);
          const n = number(doc, f);
          if (b !== undefined && n !== undefined) emit(b, n);
        },
        reduce: '_sum',
        order: 'key',
      };
    },
  };
})()
