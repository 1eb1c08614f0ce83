// Test handler (CommonJS, callback style).
exports.handler = function (event, context, callback) {
  console.log('cjs got', JSON.stringify(event));
  if (event.fail) return callback(new TypeError(event.fail));
  callback(null, { ok: true, kind: 'cjs', echo: event });
};
