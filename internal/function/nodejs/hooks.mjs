// Module resolution hooks registered by bootstrap.mjs: Amplify gen 2's
// generated "$amplify/env/<function>" module, which exports the function's
// environment as `env`, is served as a module over process.env.
const prefix = '$amplify/env/';
const scheme = 'userpool-amplify-env:';

export async function resolve(specifier, context, next) {
  if (specifier.startsWith(prefix)) {
    return { url: scheme + encodeURIComponent(specifier.slice(prefix.length)), shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith(scheme)) {
    return {
      format: 'module',
      source: 'export const env = process.env;\nexport default { env };\n',
      shortCircuit: true,
    };
  }
  return next(url, context);
}
