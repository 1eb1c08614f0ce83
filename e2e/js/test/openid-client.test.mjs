// openid-client (npm, v6) against userpool on HTTPS, the way a Node web app
// uses it: discovery from the issuer alone, an authorization URL with PKCE
// and state, the hosted login form answered over HTTP (as a browser would
// post it), and the code exchanged at the token endpoint; the ID token is
// validated by openid-client (issuer, audience, signature from the JWKS,
// nonce) and userInfo answers for the access token.
//
// userpool runs with --tls-self-signed; this process trusts exactly that
// certificate (openid-client's customFetch, the SDK's https agent).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import * as oidc from "openid-client";
import { startServer } from "../lib/userpool.mjs";
import { createUser } from "../lib/clients.mjs";

const callback = "https://app.example.test/callback";
const password = "Corr3ct-Horse!";
let server, base, ca, agent, poolId, clientId;

/** A fetch (the subset openid-client calls) over node:https trusting ca only. */
function trustingFetch(url, { method = "GET", headers = {}, body, signal } = {}) {
  return new Promise((resolve, reject) => {
    const h = headers instanceof Headers ? Object.fromEntries(headers) : headers;
    const req = https.request(url, { method, headers: h, agent, signal }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const hs = new Headers();
        for (const [k, v] of Object.entries(res.headers)) hs.set(k, Array.isArray(v) ? v.join(", ") : v);
        const status = res.statusCode;
        const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        const r = new Response(payload, { status, headers: hs });
        Object.defineProperty(r, "url", { value: String(url) });
        resolve(r);
      });
    });
    req.on("error", reject);
    if (body !== undefined && body !== null) req.write(typeof body === "string" ? body : Buffer.from(body instanceof URLSearchParams ? body.toString() : body));
    req.end();
  });
}

before(async () => {
  server = await startServer({ args: ["--tls-self-signed"] });
  base = server.url.replace("http://", "https://");
  ca = await readFile(join(server.data, "tls-self-signed.crt"));
  agent = new https.Agent({ ca });
  const root = new CognitoIdentityProviderClient({
    region: "us-east-1",
    endpoint: base,
    credentials: await server.rootCredentials(),
    maxAttempts: 1,
    requestHandler: { httpsAgent: agent },
  });
  const pool = await root.send(new CreateUserPoolCommand({ PoolName: "oidc" }));
  poolId = pool.UserPool.Id;
  await root.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: "node-oidc" }));
  const c = await root.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "node-app",
      SupportedIdentityProviders: ["COGNITO"],
      CallbackURLs: [callback],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email", "profile"],
      AllowedOAuthFlowsUserPoolClient: true,
    }),
  );
  clientId = c.UserPoolClient.ClientId;
  await createUser(root, poolId, {
    username: "ada",
    password,
    attributes: { email: "ada@example.com", email_verified: "true" },
  });
});

after(async () => {
  agent?.destroy();
  await server?.stop();
});

/** The text of an HTML attribute value (html/template writes &amp; and &#43;). */
function unescapeHTML(s) {
  return s
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** Cookies of a response as one Cookie header value (name=value pairs). */
function cookies(res, jar) {
  for (const c of res.headers.getSetCookie?.() ?? []) {
    const [pair] = c.split(";");
    const [name] = pair.split("=");
    jar.set(name, pair);
  }
  return [...jar.values()].join("; ");
}

test("openid-client discovers the issuer and exchanges a code from the hosted login", async () => {
  const issuer = new URL(`${base}/${poolId}`);
  const config = await oidc.discovery(issuer, clientId, undefined, oidc.None(), {
    [oidc.customFetch]: trustingFetch,
  });
  const meta = config.serverMetadata();
  assert.equal(meta.issuer, issuer.href);
  assert.equal(meta.authorization_endpoint, `${base}/node-oidc/oauth2/authorize`);
  assert.equal(meta.token_endpoint, `${base}/node-oidc/oauth2/token`);

  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authURL = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callback,
    scope: "openid email",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });

  // The browser's part: authorize -> login page -> post the form.
  const jar = new Map();
  let res = await trustingFetch(authURL);
  assert.equal(res.status, 302);
  const loginURL = new URL(res.headers.get("location"), authURL);
  res = await trustingFetch(loginURL, { headers: { cookie: cookies(res, jar) } });
  assert.equal(res.status, 200);
  const html = await res.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const action = unescapeHTML(/<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "");
  assert.ok(csrf && action, "the login page has a form with a CSRF token");
  res = await trustingFetch(new URL(action, loginURL), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies(res, jar) },
    body: new URLSearchParams({ _csrf: csrf, username: "ada", password }).toString(),
  });
  assert.equal(res.status, 302, "the form redirects back to the app");
  const back = new URL(res.headers.get("location"));
  assert.equal(back.origin + back.pathname, callback);

  const tokens = await oidc.authorizationCodeGrant(config, back, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  assert.equal(claims.iss, issuer.href);
  assert.equal(claims.aud, clientId);
  assert.equal(claims["cognito:username"], "ada");
  assert.equal(claims.email, "ada@example.com");
  assert.ok(tokens.refresh_token, "a refresh token");

  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.email, "ada@example.com");

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal(refreshed.claims()?.sub, claims.sub);
});

test("openid-client refuses the server when the certificate is not trusted", async () => {
  await assert.rejects(oidc.discovery(new URL(`${base}/${poolId}`), clientId, undefined, oidc.None()), (err) => {
    const causes = [];
    for (let e = err; e; e = e.cause) causes.push(`${e.code ?? ""} ${e.message}`);
    assert.match(causes.join(" | "), /SELF_SIGNED|self-signed|certificate/i);
    return true;
  });
});
