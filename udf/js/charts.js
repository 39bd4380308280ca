// charts.js — xtractr_chart(kind, rows [, options]): rows of SQL as a self-contained SVG chart,
// drawn by the vendored Vega-Lite and Vega (udf/js/vendor/README.md).
//
// Usage (SQL; the rows are JSON objects, e.g. from json_group_array(json_object(...))):
//
//   SELECT xtractr_chart('stacked', json_group_array(json_object('time', t, 'service', service, 'bytes', bytes)),
//                        '{"title": "bytes per second by service"}')
//     FROM (SELECT CAST(time AS INTEGER) AS t, service, sum(length) AS bytes
//             FROM packets('examples/wikipedia_browse.pcap') GROUP BY 1, 2);
//
// How it works: the first key of the rows is the x axis, the last the y value (a number) and a
// middle one, when there are three, the series (colour, with a legend); options.x, .y and
// .series name others. x is time when its key is `time` or ends in `_time` (numbers: seconds
// since 1970, as packets.time) or its values are ISO dates ('2024-01-31 12:00:00', UTC when
// no zone is given): a UTC time axis with Vega's multi-scale labels (12:00, 12:30, Jan 31),
// bars as wide as the smallest step between two times (options.step, seconds, overrides).
// Other x values are categories: bars are horizontal, in the rows' order. 'line' draws a
// line with a point per row, 'bar' one bar per row (one series only on a time axis), and
// 'stacked' stacks the series' bars. Vega-Lite compiles the spec to Vega, whose headless
// View renders SVG (no DOM; text widths are estimated); each mark carries an aria-label with
// its row's values, so the numbers can be read back from the SVG. toSVG() returns a Promise:
// the caller (charts.cc) runs V8's microtasks until it settles. This file evaluates to the
// render function; the libraries' globals (vega, vegaLite) are set before it runs.
(function () {
  'use strict';

  function fail(message) {
    throw new Error('xtractr_chart(): ' + message);
  }

  function parse(text, what, example) {
    try {
      return JSON.parse(text);
    } catch (e) {
      fail(what + ' is not JSON (' + e.message + '), e.g. ' + example);
    }
  }

  var ISO_TIME = /^(\d{4}-\d\d-\d\d)(?:[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?))?(Z|[+-]\d\d:?\d\d)?$/;

  // Milliseconds since 1970 of an x value on a time axis (numbers are seconds), or NaN.
  function millis(value) {
    if (typeof value === 'number') return value * 1000;
    var m = typeof value === 'string' ? ISO_TIME.exec(value) : null;
    if (!m) return NaN;
    return Date.parse(m[1] + 'T' + (m[2] || '00:00') + (m[3] || 'Z'));
  }

  function isTimeKey(key) {
    return key === 'time' || /_time$/.test(key);
  }

  // The smallest gap between two distinct times (ms), the width of a bar on a time axis.
  function smallestStep(times) {
    var sorted = times.slice().sort(function (a, b) { return a - b; });
    var step = Infinity;
    for (var i = 1; i < sorted.length; ++i)
      if (sorted[i] > sorted[i - 1]) step = Math.min(step, sorted[i] - sorted[i - 1]);
    return step === Infinity ? 1000 : step;
  }

  // The time axis of bars: at most about 12 ticks on round multiples of the step, labelled in UTC
  // with what changes between them (12:30, 12:30:05, 01-31 12:30, 2024-01-31).
  function timeAxis(first, last, step) {
    var spacing = Math.max(1, Math.ceil((last - first) / step / 12)) * step, values = [];
    for (var t = Math.ceil(first / spacing) * spacing; t <= last; t += spacing) values.push(t);
    var day = 86400000, format = spacing % day === 0 ? '%Y-%m-%d' : spacing % 60000 === 0 ? '%H:%M' : '%H:%M:%S';
    if (spacing % day !== 0 && Math.floor(first / day) !== Math.floor(last / day)) format = '%m-%d ' + format;
    return {values: values, labelExpr: "utcFormat(datum.value, '" + format + "')"};
  }

  var KINDS = {line: 1, bar: 1, stacked: 1};
  var OPTIONS = {title: 1, x: 1, y: 1, series: 1, width: 1, height: 1, step: 1, x_title: 1, y_title: 1};

  function chartSpec(kind, rows, options) {
    if (!KINDS[kind]) fail("kind '" + kind + "' is not one of 'line', 'bar', 'stacked'");
    if (!Array.isArray(rows)) fail('rows must be a JSON array of objects, e.g. json_group_array(json_object(...))');
    for (var name in options) if (!OPTIONS[name]) fail("unknown option '" + name + "' (options: " + Object.keys(OPTIONS).join(', ') + ')');
    var keys = rows.length && rows[0] !== null && typeof rows[0] === 'object' ? Object.keys(rows[0]) : [];
    if (rows.length && keys.length < 2) fail('each row must be an object with at least an x and a y key, e.g. {"time": 0, "bytes": 10}');
    var x = options.x || keys[0] || 'x';
    var y = options.y || keys[keys.length - 1] || 'y';
    var series = options.series || (keys.length >= 3 ? keys[1] : null);

    var time = rows.length > 0 && (isTimeKey(x) || rows.every(function (r) { return typeof r[x] === 'string' && ISO_TIME.test(r[x]); }));
    if (rows.length === 0) time = isTimeKey(x);
    var values = rows.map(function (row, i) {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) fail('row ' + (i + 1) + ' is not an object');
      var v = {};
      v[x] = row[x];
      v[y] = row[y] === null || row[y] === undefined ? null : Number(row[y]);
      if (v[y] !== null && !isFinite(v[y])) fail('row ' + (i + 1) + ": y value '" + row[y] + "' (" + y + ') is not a number');
      if (series) v[series] = row[series] === null || row[series] === undefined ? '(none)' : String(row[series]);
      if (time) {
        v[x] = millis(row[x]);
        if (!isFinite(v[x])) fail('row ' + (i + 1) + ": time '" + row[x] + "' (" + x + ') is neither seconds since 1970 nor an ISO date');
      }
      return v;
    });
    if (kind === 'bar' && time && series)
      fail("'bar' draws one series on a time axis; use 'stacked' or 'line' for several (series: " + series + ')');

    var width = Number(options.width) || 640, label = '__label', mid = '__mid', barWidth = 0, domain = null;
    if (time && kind !== 'line') {
      // a bar covers [t, t + step): drawn at its middle, as wide as step on a domain that ends a step after the last
      var times = values.map(function (v) { return v[x]; });
      var step = options.step !== undefined ? Number(options.step) * 1000 : smallestStep(times);
      if (!(step > 0)) fail('option step must be a positive number of seconds');
      var first = Math.min.apply(null, times), last = Math.max.apply(null, times) + step;
      domain = [first, last];
      barWidth = Math.max(1, width * step / (last - first) - 1);
      values.forEach(function (v) { v[mid] = v[x] + step / 2; });
    }
    // each mark's aria-label: the row's values in full (times to the second, numbers unformatted)
    values.forEach(function (v) {
      var shown = time ? new Date(v[x]).toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '') + ' UTC' : v[x];
      v[label] = x + ': ' + shown + (series ? '; ' + series + ': ' + v[series] : '') + '; ' + y + ': ' + v[y];
    });

    var quantity = {field: y, type: 'quantitative', title: options.y_title || y};
    var axis = time
        ? {field: domain ? mid : x, type: 'temporal', title: options.x_title || (x === 'time' ? 'time (UTC)' : x),
           scale: domain ? {type: 'utc', domain: domain, nice: false} : {type: 'utc'},
           axis: domain ? timeAxis(domain[0], domain[1], step) : {}}
        : {field: x, type: 'nominal', title: options.x_title || x, sort: null};
    var encoding = {};
    if (time || kind === 'line') {
      encoding.x = axis;
      encoding.y = quantity;
    } else {
      // categories (top-N): horizontal bars keep long labels readable
      encoding.y = axis;
      encoding.x = quantity;
    }
    encoding.description = {field: label};
    if (series) {
      encoding.color = {field: series, type: 'nominal', title: series, sort: null};
      if (kind === 'bar' && !time) encoding.yOffset = {field: series, sort: null};
    }
    quantity.stack = kind === 'stacked' ? 'zero' : null;
    var spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: {values: values},
      mark: kind === 'line' ? {type: 'line', point: true} : barWidth ? {type: 'bar', width: barWidth} : {type: 'bar'},
      encoding: encoding,
      width: width,
      config: {font: 'sans-serif', legend: {labelLimit: 240}, axis: {labelLimit: 240}}
    };
    if (time || kind === 'line') spec.height = Number(options.height) || 240;
    else if (options.height) spec.height = Number(options.height);
    else spec.height = {step: series && kind === 'bar' ? 8 * new Set(values.map(function (v) { return v[series]; })).size + 4 : 18};
    if (options.title) spec.title = String(options.title);
    return spec;
  }

  // Always a Promise of the SVG text; rejected with the message of what went wrong.
  return function render(kind, rowsText, optionsText) {
    try {
      return draw(kind, rowsText, optionsText).catch(function (e) { throw String(e && e.message || e); });
    } catch (e) {
      return Promise.reject(String(e && e.message || e));
    }
  };

  function draw(kind, rowsText, optionsText) {
    var rows = parse(rowsText, 'rows', "json_group_array(json_object('time', t, 'bytes', b))");
    var options = optionsText === null || optionsText === undefined ? {} : parse(optionsText, 'options', '\'{"title": "bytes"}\'');
    if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('options must be a JSON object, e.g. \'{"title": "bytes"}\'');
    var warnings = [];
    var logger = vega.logger(vega.Warn);
    logger.warn = function () { warnings.push(Array.prototype.join.call(arguments, ' ')); return logger; };
    var compiled = vegaLite.compile(chartSpec(String(kind), rows, options), {logger: logger}).spec;
    var view = new vega.View(vega.parse(compiled), {renderer: 'none', logger: logger, logLevel: vega.Warn});
    return view.toSVG();
  }
})();
