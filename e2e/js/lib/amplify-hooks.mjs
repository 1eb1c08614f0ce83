// Module hooks that let Node run an Amplify gen 2 function handler written in
// TypeScript, unmodified: `.ts` files are transpiled with the TypeScript
// compiler (types only; no type checking) and `$amplify/env/*` resolves to
// amplify-env.mjs.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export async function resolve(specifier, context, next) {
  if (specifier.startsWith("$amplify/env/")) {
    return { url: new URL("./amplify-env.mjs", import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith("file:") && url.endsWith(".ts")) {
    const path = fileURLToPath(url);
    const source = await readFile(path, "utf8");
    const out = ts.transpileModule(source, {
      fileName: path,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    return { format: "module", source: out.outputText, shortCircuit: true };
  }
  return next(url, context);
}
