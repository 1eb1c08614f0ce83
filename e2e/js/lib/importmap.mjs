// Prints an import map (JSON) that lets a browser load packages' ES modules
// straight from node_modules, with no bundler:
//
//   node lib/importmap.mjs aws-amplify aws-amplify/auth
//
// aws-amplify v6 ships ES modules (dist/esm/*.mjs), but some of what they
// import reaches its browser ES build only the way bundlers resolve: export
// conditions "browser", "module", "import", "default" (never "node" or
// "require"), else the package's "module" field, then "main". Node's own
// resolver always applies "node", so this follows the imports itself: from
// each entry specifier through every static and dynamic import, mapping
// each bare specifier to /node_modules/<path>, under "scopes" when a
// package has a nested copy of another (different versions side by side);
// relative imports without a file extension and files a package's
// "browser" object replaces are mapped by URL.
// It fails, listing them, when a module it reaches is not an ES module.
//
// Used by the Go browser test of Amplify's signInWithRedirect (e2e), which
// serves node_modules beside the page.
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dirname, join, relative, resolve, sep } from "node:path";

const nodeModules = resolve(dirname(fileURLToPath(import.meta.url)), "..", "node_modules");
const conditions = ["browser", "module", "import", "default"];
const map = { imports: {}, scopes: {} };
const seen = new Set();
const importers = new Map(); // file -> the files importing it, for messages
const problems = [];

const exists = async (p) => (await stat(p).catch(() => null))?.isFile() ?? false;
const publicPath = (file) => "/node_modules/" + relative(nodeModules, file).split(sep).join("/");

// import/export ... from "x", import("x"), import "x"
const importRe = /(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bexport\s*(?:\*(?:\s*as\s+\w+)?|\{[^}]*\})\s*from\s*|\bimport\s*\(\s*)["']([^"']+)["']/g;

// target picks the first matching condition of an exports value.
function target(v) {
  if (typeof v === "string" || v === null) return v;
  if (Array.isArray(v)) return target(v[0]);
  for (const [k, sub] of Object.entries(v)) {
    if (conditions.includes(k)) {
      const t = target(sub);
      if (t) return t;
    }
  }
  return null;
}

// exportsTarget resolves subpath ("." or "./x") in a package's exports.
function exportsTarget(exp, subpath) {
  if (typeof exp === "string" || Array.isArray(exp) || !Object.keys(exp).some((k) => k.startsWith("."))) {
    return subpath === "." ? target(exp) : null;
  }
  if (subpath in exp) return target(exp[subpath]);
  for (const [k, v] of Object.entries(exp)) {
    const star = k.indexOf("*");
    if (star < 0) continue;
    const pre = k.slice(0, star), post = k.slice(star + 1);
    if (subpath.startsWith(pre) && subpath.endsWith(post) && subpath.length >= k.length - 1) {
      const t = target(v);
      return t && t.replaceAll("*", subpath.slice(pre.length, subpath.length - post.length));
    }
  }
  return null;
}

// packageDir finds the directory of package name seen from file.
async function packageDir(name, file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const d = join(dir, "node_modules", name);
    if (await exists(join(d, "package.json"))) return d;
    if (dir === dirname(dir)) return null;
  }
}

async function resolveBare(spec, from) {
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const subpath = "." + spec.slice(name.length);
  const dir = await packageDir(name, from);
  if (!dir) throw new Error(`package ${name} not installed`);
  const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
  let t = pkg.exports ? exportsTarget(pkg.exports, subpath) : null;
  if (!t && subpath === ".") t = pkg.module ?? (typeof pkg.browser === "string" ? pkg.browser : null) ?? pkg.main ?? "index.js";
  if (!t && !pkg.exports) t = subpath;
  if (!t) throw new Error(`${spec}: not exported by ${name}`);
  return withExtension(join(dir, t));
}

async function withExtension(p) {
  for (const c of [p, p + ".mjs", p + ".js", join(p, "index.mjs"), join(p, "index.js")]) {
    if (await exists(c)) return c;
  }
  throw new Error(`no file for ${p}`);
}

// browserField returns the file a package's "browser" object puts in
// place of file, or null.
async function browserField(file) {
  for (let dir = dirname(file); dir.startsWith(nodeModules) && dir !== nodeModules; dir = dirname(dir)) {
    const pj = join(dir, "package.json");
    if (!(await exists(pj))) continue;
    const pkg = JSON.parse(await readFile(pj, "utf8"));
    if (!pkg.name) continue;
    if (!pkg.browser || typeof pkg.browser !== "object") return null;
    const rel = "./" + relative(dir, file).split(sep).join("/");
    for (const key of [rel, rel.replace(/\.m?js$/, "")]) {
      const to = pkg.browser[key];
      if (typeof to === "string") return withExtension(join(dir, to));
    }
    return null;
  }
  return null;
}

// scopeOf is the URL prefix of the package a file belongs to.
function scopeOf(file) {
  const rel = relative(nodeModules, file).split(sep);
  const i = rel.lastIndexOf("node_modules");
  const start = i + 1;
  const len = rel[start].startsWith("@") ? 2 : 1;
  return "/node_modules/" + rel.slice(0, start + len).join("/") + "/";
}

async function visit(file) {
  if (seen.has(file)) return;
  seen.add(file);
  // Comments out (documentation quotes imports such as amplify_outputs.json).
  const src = (await readFile(file, "utf8")).replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  if (!/\bexport\b|\bimport\b/.test(src) && /\brequire\(|module\.exports|\bexports\.\w+\s*=/.test(src)) {
    problems.push(`CommonJS: ${relative(nodeModules, file)} (imported by ${[...importers.get(file) ?? []].map((f) => relative(nodeModules, f)).join(", ")})`);
    return;
  }
  for (const m of src.matchAll(importRe)) {
    const spec = m[1];
    if (spec.startsWith("node:")) continue;
    let t;
    try {
      t = spec.startsWith(".") || spec.startsWith("/") ? await withExtension(resolve(dirname(file), spec)) : await resolveBare(spec, file);
    } catch (err) {
      problems.push(`${spec} from ${relative(nodeModules, file)}: ${err.message}`);
      continue;
    }
    const literal = spec.startsWith(".") ? resolve(dirname(file), spec) : null;
    const swapped = await browserField(t);
    if (swapped) {
      // The browser build of a file (package.json "browser" object), mapped
      // by URL: import maps apply to resolved relative imports too.
      map.imports[publicPath(t)] = publicPath(swapped);
      t = swapped;
    }
    if (literal && literal !== t) {
      // An import without its file extension (written for bundlers), or of
      // a swapped file: mapped by URL to the file (maps do not chain).
      map.imports[publicPath(literal)] = publicPath(t);
    }
    if (!spec.startsWith(".") && !spec.startsWith("/")) {
      const scope = scopeOf(file);
      (map.scopes[scope] ??= {})[spec] = publicPath(t);
    }
    if (!importers.has(t)) importers.set(t, new Set());
    importers.get(t).add(file);
    await visit(t);
  }
}

for (const spec of process.argv.slice(2)) {
  const t = await resolveBare(spec, join(nodeModules, "entry.mjs"));
  map.imports[spec] = publicPath(t);
  await visit(t);
}
// A specifier every scope maps alike goes to the top level.
const bySpec = {};
for (const [scope, m] of Object.entries(map.scopes)) for (const [s, p] of Object.entries(m)) (bySpec[s] ??= new Set()).add(p);
for (const [s, ps] of Object.entries(bySpec)) {
  if (ps.size === 1 && !(s in map.imports)) {
    map.imports[s] = [...ps][0];
    for (const m of Object.values(map.scopes)) delete m[s];
  }
}
for (const [scope, m] of Object.entries(map.scopes)) if (Object.keys(m).length === 0) delete map.scopes[scope];
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(JSON.stringify(map, null, 1));
