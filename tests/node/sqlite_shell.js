#!/usr/bin/env node
// sqlite_shell.js — the part of the sqlite3 shell the SQL tests use, over better-sqlite3 in Node:
// runs the SQL suite (tests/**/NAME.sql) inside a Node host, where the output must equal the
// real shell's (NAME.expected).
//
// Usage (as tests/sql/run_sql_test.sh runs it, with XTRACTR_SQL_HOST=node):
//   NODE_PATH=build/node/node_modules node tests/node/sqlite_shell.js -bail -cmd '.load build/xtractr' :memory: < NAME.sql
//
// How it works: like sqlite3 3.40's shell. Input lines gather into a buffer until it is one or
// more complete statements (a ';' outside quotes and comments; a CREATE TRIGGER's after its
// END); a line starting with '.' when the buffer is empty is a dot-command: .load, .headers,
// .mode list|quote, .bail, .print, .read, .parameter (bound by name to the statements that use
// them), .shell/.system (run by /bin/sh, output in order); readfile() is there too. Statements run one
// by one through better-sqlite3 (integers as BigInt, so INTEGER and REAL stay apart); rows print
// as the shell prints them (list: `|`, NULL empty, REAL as %!.15g; quote: SQL literals, REAL as
// %!.20g; EXPLAIN QUERY PLAN as a tree); errors print as "Parse error near line N: ..." (prepare) or "Runtime error near line
// N: ..." (step) on stderr, and stop the run under -bail. The exit status is 1 after any error.
// The shell's caret under a parse error's position is not printed (better-sqlite3 does not give
// the offset).
'use strict';
const fs = require('fs');
const { spawnSync } = require('child_process');
const Database = require('better-sqlite3');

const state = { headers: false, mode: 'list', bail: false, errors: 0, db: null, parameters: new Map() };

function out(text) {
  fs.writeSync(1, text);
}
function err(text) {
  fs.writeSync(2, text);
}

// ---- numbers as SQLite's printf writes them ----

// %!.Ng: N significant digits, trailing zeros dropped, always a decimal point ("2.0", "1.0e+20").
function formatReal(value, digits) {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential(digits - 1).split('e');
  const exponent = Number(exponentText);
  const trim = (s) => {
    if (s.includes('.')) s = s.replace(/0+$/, '');
    return s.endsWith('.') ? s + '0' : s.includes('.') ? s : s + '.0';
  };
  if (exponent < -4 || exponent >= digits) {
    const e = Math.abs(exponent);
    return `${trim(mantissa)}e${exponent < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  return trim(value.toFixed(Math.max(0, digits - 1 - exponent)));
}

function listValue(v) {
  if (v === null) return '';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatReal(v, 15);
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  return v;
}

function quoteValue(v) {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (v === Infinity) return '1e999';
    if (v === -Infinity) return '-1e999';
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return `${BigInt(v)}.0`;
    return formatReal(v, 20);
  }
  if (Buffer.isBuffer(v)) return `X'${v.toString('hex')}'`;
  return `'${v.replace(/'/g, "''")}'`;
}

function printRows(statement, params) {
  const columns = statement.columns().map((c) => c.name);
  const separator = state.mode === 'quote' ? ',' : '|';
  const format = state.mode === 'quote' ? quoteValue : listValue;
  let first = true;
  for (const row of statement.iterate(...params)) {
    if (first && state.headers) out(columns.map((c) => (state.mode === 'quote' ? quoteValue(c) : c)).join(separator) + '\n');
    first = false;
    out(row.map(format).join(separator) + '\n');
  }
}

// EXPLAIN QUERY PLAN rows (id, parent, notused, detail) drawn as the shell's tree.
function printQueryPlan(statement) {
  const rows = statement.all(...parameterValues(statement.source));
  if (rows.length === 0) return;
  out('QUERY PLAN\n');
  const level = (parent, prefix) => {
    const children = rows.filter((r) => Number(r[1]) === parent);
    children.forEach((r, k) => {
      const last = k === children.length - 1;
      out(`${prefix}${last ? '`--' : '|--'}${r[3]}\n`);
      level(Number(r[0]), prefix + (last ? '   ' : '|  '));
    });
  };
  level(0, '');
}

// ---- statements ----

// Splits `sql` into statements (each with its ';'); the last may be incomplete (no ';').
function splitStatements(sql) {
  const statements = [];
  let start = 0;
  let i = 0;
  let words = [];  // the statement's first words, and its last word, for CREATE TRIGGER ... END;
  let lastWord = '';
  const isTrigger = () => {
    const w = words.map((x) => x.toUpperCase());
    return w[0] === 'CREATE' && (w[1] === 'TRIGGER' || (/^TEMP(ORARY)?$/.test(w[1]) && w[2] === 'TRIGGER'));
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      for (;;) {
        j = sql.indexOf(close, j);
        if (j < 0) { j = sql.length; break; }
        if (close !== ']' && sql[j + 1] === close) { j += 2; continue; }
        j += 1;
        break;
      }
      lastWord = '';
      i = j;
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      i = j < 0 ? sql.length : j + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      i = j < 0 ? sql.length : j + 2;
    } else if (c === ';') {
      i += 1;
      if (isTrigger() && lastWord.toUpperCase() !== 'END') { lastWord = ''; continue; }
      statements.push(sql.slice(start, i));
      start = i;
      words = [];
      lastWord = '';
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j])) j += 1;
      lastWord = sql.slice(i, j);
      if (words.length < 3) words.push(lastWord);
      i = j;
    } else {
      if (!/\s/.test(c)) lastWord = '';
      i += 1;
    }
  }
  if (sql.slice(start).trim()) statements.push(sql.slice(start));
  return statements;
}

function complete(sql) {
  const statements = splitStatements(sql);
  if (statements.length === 0) return false;
  const last = statements[statements.length - 1];
  return onlyComments(last) || /;\s*$/.test(stripComments(last));
}

function stripComments(sql) {
  return sql.replace(/--[^\n]*(\n|$)/g, '\n');
}
function onlyComments(sql) {
  return stripComments(sql).replace(/\/\*[\s\S]*?\*\//g, '').trim() === '';
}

function reportError(kind, line, message) {
  state.errors += 1;
  err(`${kind} error near line ${line}: ${message}\n`);
}

// The values of the named parameters (@x, :x, $x) `sql` uses, as .parameter set them; NULL
// for the others, as the shell binds them.
function parameterValues(sql) {
  const names = new Set();
  const code = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  for (const m of code.matchAll(/[@:$]([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  if (names.size === 0) return [];
  const values = {};
  for (const name of names) {
    const key = ['@', ':', '$'].map((p) => p + name).find((k) => state.parameters.has(k));
    values[name] = key === undefined ? null : state.parameters.get(key);
  }
  return [values];
}

// Runs the statements of `sql`; false when an error stops the run (-bail).
function runSql(sql, line) {
  for (const text of splitStatements(sql)) {
    if (onlyComments(text)) continue;
    let statement;
    try {
      statement = state.db.prepare(text);
    } catch (e) {
      if (e instanceof RangeError || e instanceof TypeError) throw e;
      reportError('Parse', line, e.message);
      if (state.bail) return false;
      continue;
    }
    try {
      if (statement.reader) {
        statement.safeIntegers(true);
        statement.raw(true);
        if (/^\s*EXPLAIN\s+QUERY\s+PLAN\b/i.test(stripComments(text))) printQueryPlan(statement);
        else printRows(statement, parameterValues(text));
      } else {
        statement.run(...parameterValues(text));
      }
    } catch (e) {
      if (e instanceof RangeError || e instanceof TypeError) throw e;
      reportError('Runtime', line, e.message);
      if (state.bail) return false;
    }
  }
  return true;
}

// ---- dot-commands ----

function dotArguments(line) {
  const args = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))/g;
  let m;
  while ((m = re.exec(line)) !== null) {
    if (m[1] !== undefined) args.push(m[1].replace(/\\(.)/g, '$1'));
    else if (m[2] !== undefined) args.push(m[2]);
    else if (m[3] !== undefined) args.push(m[3]);
  }
  return args;
}

// .parameter set NAME VALUE (VALUE is SQL when it parses as an expression, else text), unset
// NAME, clear, init.
function parameterCommand(args) {
  if (args[0] === 'set' && args.length === 3) {
    let value;
    try {
      value = state.db.prepare(`SELECT (${args[2]})`).safeIntegers(true).raw(true).get()[0];
    } catch (e) {
      value = args[2];
    }
    state.parameters.set(args[1], value);
  } else if (args[0] === 'unset' && args.length === 2) {
    state.parameters.delete(args[1]);
  } else if (args[0] === 'clear' || args[0] === 'init') {
    state.parameters.clear();
  } else {
    throw new Error(`sqlite_shell.js: no .parameter ${args.join(' ')}`);
  }
  return true;
}

function onOff(word) {
  return /^(on|yes|true|1)$/i.test(word);
}

// Runs a dot-command line; false when an error stops the run.
function runDotCommand(line, lineNumber) {
  const name = line.slice(1).split(/\s/, 1)[0];
  if (name === 'shell' || name === 'system') {
    const command = line.slice(1 + name.length).trim();
    spawnSync('/bin/sh', ['-c', command], { stdio: 'inherit' });
    return true;
  }
  const args = dotArguments(line.slice(1));
  try {
    switch (args[0]) {
      case 'load':
        state.db.loadExtension(args[1]);
        return true;
      case 'headers':
        state.headers = onOff(args[1]);
        return true;
      case 'bail':
        state.bail = onOff(args[1]);
        return true;
      case 'print':
        out(args.slice(1).join(' ') + '\n');
        return true;
      case 'parameter':
        return parameterCommand(args.slice(1));
      case 'read':
        return processInput(fs.readFileSync(args[1], 'utf8'));
      case 'mode':
        if (args[1] !== 'list' && args[1] !== 'quote') throw new Error(`sqlite_shell.js: no .mode ${args[1]}`);
        state.mode = args[1];
        return true;
      default:
        throw new Error(`sqlite_shell.js: unknown command ".${args[0]}"`);
    }
  } catch (e) {
    state.errors += 1;
    err(`Error: ${e.message}\n`);
    return !state.bail;
  }
}

// ---- input ----

// Runs the lines of `text` (stdin or a .read file); false when an error stops the run.
function processInput(text) {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let buffer = '';
  let startLine = 0;
  for (let k = 0; k < lines.length; ++k) {
    const line = lines[k];
    if (buffer === '' && line.startsWith('.')) {
      if (!runDotCommand(line, k + 1)) return false;
      continue;
    }
    if (buffer === '' && onlyComments(line)) continue;
    if (buffer === '') startLine = k + 1;
    buffer += line + '\n';
    if (complete(buffer)) {
      const ok = runSql(buffer, startLine);
      buffer = '';
      if (!ok) return false;
    }
  }
  if (buffer.trim() !== '' && !onlyComments(buffer)) return runSql(buffer, startLine);
  return true;
}

function main(argv) {
  const commands = [];
  const positional = [];
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '-bail') state.bail = true;
    else if (argv[i] === '-cmd') commands.push(argv[++i]);
    else positional.push(argv[i]);
  }
  state.db = new Database(positional[0] || ':memory:');
  // the shell's built-in readfile(path): the file as a BLOB, NULL when it cannot be read
  state.db.function('readfile', (path) => {
    try {
      return fs.readFileSync(String(path));
    } catch (e) {
      return null;
    }
  });
  for (const command of commands) {
    const ok = command.startsWith('.') ? runDotCommand(command, 0) : runSql(command, 0);
    if (!ok) return 1;
  }
  const input = positional.length > 1 ? positional.slice(1).join('\n') + '\n' : fs.readFileSync(0, 'utf8');
  processInput(input);
  return state.errors > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
