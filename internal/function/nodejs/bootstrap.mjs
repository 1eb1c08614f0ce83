// userpool's Node.js bootstrap: runs one function's unmodified handler
// module and answers events over a pipe. Started by userpool as
//   node bootstrap.mjs <handler file> <export name> <function name>
// Protocol (file descriptors 3 and 4, so that console output on stdout and
// stderr never mixes with it): frames of a 4-byte big-endian length and
// that many bytes of JSON.
//   in  (fd 3): {"id": n, "deadlineMs": <epoch ms>, "event": <event>}
//   out (fd 4): {"ready": true} once the module is loaded, then per event
//               {"id": n, "result": <value>} or {"id": n, "error": {"errorType", "errorMessage"}}
//               and, before exiting on an uncaught error,
//               {"id": n | null, "error": {...}, "fatal": true}
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as nodeModule from 'node:module';

const [handlerPath, exportName, functionName] = process.argv.slice(2);
const out = fs.createWriteStream(null, { fd: 4 });

function send(msg, then) {
  const body = Buffer.from(JSON.stringify(msg));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  out.write(Buffer.concat([head, body]), then);
}

function errorPayload(err, fallbackType) {
  if (err instanceof Error) {
    return { errorType: err.name || fallbackType, errorMessage: err.message };
  }
  return { errorType: fallbackType || typeof err, errorMessage: String(err) };
}

// The id of the event being handled (null between events).
let currentId = null;
let dying = false;

// fatal reports an error the worker cannot go on from (a module that does
// not load, an uncaught exception, an unhandled rejection) for the current
// event, if any, and exits; no further event is started.
function fatal(err, type) {
  dying = true;
  const error = errorPayload(err);
  if (type) error.errorType = type;
  send({ id: currentId, error, fatal: true }, () => process.exit(1));
}

// $amplify/env/<function> resolves to a module exporting env = process.env
// (Amplify generates a typed one at build time).
if (typeof nodeModule.register === 'function') {
  nodeModule.register('./hooks.mjs', import.meta.url);
}

let handler;
let loadError;
try {
  const mod = await import(pathToFileURL(handlerPath).href);
  handler = mod[exportName];
  if (typeof handler !== 'function' && mod.default && typeof mod.default[exportName] === 'function') {
    handler = mod.default[exportName]; // CommonJS module.exports seen as default
  }
  if (typeof handler !== 'function') {
    loadError = [new Error(`${handlerPath} does not export a function named ${exportName}`), 'Runtime.HandlerNotFound'];
  }
} catch (err) {
  const type = err instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError';
  loadError = [new Error(`${err && err.message || err}`), type];
}
if (loadError) {
  fatal(...loadError);
} else {
  start();
}

function start() {
  process.on('uncaughtException', (err) => fatal(err));
  process.on('unhandledRejection', (err) => fatal(err));

  function invoke(event, deadlineMs) {
    const context = {
      functionName,
      functionVersion: '$LATEST',
      awsRequestId: randomUUID(),
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    };
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (err, value) => {
        if (settled) return;
        settled = true;
        if (err !== undefined && err !== null) reject(err); else resolve(value);
      };
      context.succeed = (v) => done(null, v);
      context.fail = (e) => done(e ?? new Error('failed'));
      context.done = done;
      let r;
      try {
        r = handler(event, context, done);
      } catch (err) {
        done(err);
        return;
      }
      if (r && typeof r.then === 'function') {
        r.then((v) => done(null, v), (e) => done(e ?? new Error('rejected')));
      } else if (handler.length < 3) {
        done(null, r);
      }
    });
  }

  let buf = Buffer.alloc(0);
  let busy = false;
  const queue = [];

  async function drain() {
    if (busy) return;
    busy = true;
    while (queue.length > 0 && !dying) {
      const req = queue.shift();
      currentId = req.id;
      try {
        const result = await invoke(req.event, req.deadlineMs);
        if (!dying) send({ id: req.id, result: result === undefined ? null : result });
      } catch (err) {
        if (!dying) send({ id: req.id, error: errorPayload(err) });
      }
      currentId = null;
    }
    busy = false;
  }

  const input = fs.createReadStream(null, { fd: 3 });
  input.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 4) {
      const n = buf.readUInt32BE(0);
      if (buf.length < 4 + n) break;
      queue.push(JSON.parse(buf.subarray(4, 4 + n).toString('utf8')));
      buf = buf.subarray(4 + n);
    }
    drain();
  });
  input.on('end', () => process.exit(0));
  send({ ready: true });
}
