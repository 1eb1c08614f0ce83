// Runs an Amplify function handler the way the Lambda runtime would:
//
//   node --import ./register-amplify.mjs run-function.mjs <handler.ts> '<event JSON>'
//
// It prints one JSON line, {"ok":true,"result":...} or
// {"ok":false,"name":...,"message":...}, and exits 0 or 1.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [file, eventJSON] = process.argv.slice(2);
try {
  const mod = await import(pathToFileURL(resolve(file)).href);
  const result = await mod.handler(JSON.parse(eventJSON ?? "{}"));
  process.stdout.write(JSON.stringify({ ok: true, result }) + "\n");
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, name: err?.name, message: err?.message }) + "\n");
  process.exitCode = 1;
}
